// Draws an SVG chart as PNG with librsvg and cairo (engine/io/chart_png.hpp).
//
// librsvg is loaded when the first PNG is drawn rather than linked: with what it needs (cairo,
// pango, harfbuzz, ICU, X11...) it was 50 of the 69 libraries the dynamic loader mapped and
// relocated before any steppe command began, 6 of the 9 ms it took to start, for a file written
// only on request. Its functions are looked up by name, typed from its own headers.
#include "engine/io/chart_png.hpp"

#include <cairo.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <librsvg/rsvg.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

namespace steppe {
namespace {

// The functions of librsvg, cairo and GLib that drawing uses, from librsvg's library (dlsym
// searches what it loaded with it).
struct Png {
#define STEPPE_PNG_FUNCTIONS(X)               \
  X(rsvg_handle_new_from_data)                \
  X(rsvg_handle_get_intrinsic_size_in_pixels) \
  X(rsvg_handle_render_document)              \
  X(cairo_image_surface_create)               \
  X(cairo_surface_status)                     \
  X(cairo_surface_destroy)                    \
  X(cairo_surface_write_to_png_stream)        \
  X(cairo_create)                             \
  X(cairo_destroy)                            \
  X(cairo_status)                             \
  X(cairo_status_to_string)                   \
  X(g_object_unref)                           \
  X(g_error_free)
#define STEPPE_PNG_POINTER(name) decltype(&::name) name = nullptr;
  STEPPE_PNG_FUNCTIONS(STEPPE_PNG_POINTER)
#undef STEPPE_PNG_POINTER
};

// Loaded once, by the first PNG; throws, saying what to install, when librsvg is not there.
const Png& png() {
  static const Png functions = [] {
    constexpr const char* library = "librsvg-2.so.2";  // Debian's librsvg2-2
    void* loaded = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!loaded)
      throw std::runtime_error(fmt::format("chart.png: cannot load {} (install librsvg2-2): {}", library, dlerror()));
    Png found;
#define STEPPE_PNG_LOOK_UP(name)                                             \
  found.name = reinterpret_cast<decltype(found.name)>(dlsym(loaded, #name)); \
  if (!found.name) throw std::runtime_error(fmt::format("chart.png: {} lacks {}", library, #name));
    STEPPE_PNG_FUNCTIONS(STEPPE_PNG_LOOK_UP)
#undef STEPPE_PNG_LOOK_UP
#undef STEPPE_PNG_FUNCTIONS
    return found;
  }();
  return functions;
}

// Owners of the C objects, so that every way out of write_png frees them.
struct GObjectUnref {
  void operator()(gpointer object) const { png().g_object_unref(object); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { png().cairo_surface_destroy(surface); }
};
struct ContextDestroy {
  void operator()(cairo_t* context) const { png().cairo_destroy(context); }
};

[[noreturn]] void fail(const std::string& what, GError* error) {
  const std::string reason = error ? error->message : "no reason given";
  if (error) png().g_error_free(error);
  throw std::runtime_error(fmt::format("chart.png: {}: {}", what, reason));
}

void check(cairo_status_t status, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error(fmt::format("chart.png: {}: {}", what, png().cairo_status_to_string(status)));
}

cairo_status_t write_to_stream(void* closure, const unsigned char* data, unsigned int length) {
  auto& out = *static_cast<std::ostream*>(closure);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(length));
  return out ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

}  // namespace

void write_png(std::string_view svg, std::ostream& out) {
  const Png& draw = png();
  GError* error = nullptr;
  const std::unique_ptr<RsvgHandle, GObjectUnref> handle(
      draw.rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error));
  if (!handle) fail("librsvg could not read the SVG chart", error);
  double width = 0, height = 0;
  if (!draw.rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &width, &height) || width <= 0 || height <= 0)
    throw std::runtime_error("chart.png: the SVG chart has no width and height in px");

  const std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface(
      draw.cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(std::ceil(width * png_scale)),
                                      static_cast<int>(std::ceil(height * png_scale))));
  check(draw.cairo_surface_status(surface.get()), "cairo could not make an image");
  const std::unique_ptr<cairo_t, ContextDestroy> context(draw.cairo_create(surface.get()));
  const RsvgRectangle viewport{0, 0, width * png_scale, height * png_scale};
  if (!draw.rsvg_handle_render_document(handle.get(), context.get(), &viewport, &error))
    fail("librsvg could not draw the SVG chart", error);
  check(draw.cairo_status(context.get()), "cairo could not draw the chart");
  check(draw.cairo_surface_write_to_png_stream(surface.get(), write_to_stream, &out), "could not write the PNG");
}

}  // namespace steppe
