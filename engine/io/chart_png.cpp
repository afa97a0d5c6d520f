// Draws an SVG chart as PNG with librsvg and cairo (engine/io/chart_png.hpp).
#include "engine/io/chart_png.hpp"

#include <cairo.h>
#include <fmt/format.h>
#include <librsvg/rsvg.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

namespace steppe {
namespace {

// Owners of the C objects, so that every way out of write_png frees them.
struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDestroy {
  void operator()(cairo_t* context) const { cairo_destroy(context); }
};

[[noreturn]] void fail(const std::string& what, GError* error) {
  const std::string reason = error ? error->message : "no reason given";
  if (error) g_error_free(error);
  throw std::runtime_error(fmt::format("chart.png: {}: {}", what, reason));
}

void check(cairo_status_t status, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error(fmt::format("chart.png: {}: {}", what, cairo_status_to_string(status)));
}

cairo_status_t write_to_stream(void* closure, const unsigned char* data, unsigned int length) {
  auto& out = *static_cast<std::ostream*>(closure);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(length));
  return out ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

}  // namespace

void write_png(std::string_view svg, std::ostream& out) {
  GError* error = nullptr;
  const std::unique_ptr<RsvgHandle, GObjectUnref> handle(
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error));
  if (!handle) fail("librsvg could not read the SVG chart", error);
  double width = 0, height = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &width, &height) || width <= 0 || height <= 0)
    throw std::runtime_error("chart.png: the SVG chart has no width and height in px");

  const std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(std::ceil(width * png_scale)),
                                 static_cast<int>(std::ceil(height * png_scale))));
  check(cairo_surface_status(surface.get()), "cairo could not make an image");
  const std::unique_ptr<cairo_t, ContextDestroy> context(cairo_create(surface.get()));
  const RsvgRectangle viewport{0, 0, width * png_scale, height * png_scale};
  if (!rsvg_handle_render_document(handle.get(), context.get(), &viewport, &error))
    fail("librsvg could not draw the SVG chart", error);
  check(cairo_status(context.get()), "cairo could not draw the chart");
  check(cairo_surface_write_to_png_stream(surface.get(), write_to_stream, &out), "could not write the PNG");
}

}  // namespace steppe
