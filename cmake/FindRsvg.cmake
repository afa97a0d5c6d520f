# Finds Debian's librsvg2-dev (chart.png is chart.svg drawn by librsvg onto a cairo surface)
# through pkg-config, which also brings cairo, glib and gdk-pixbuf. Defines Rsvg::headers: their
# include folders and nothing to link, for steppe loads librsvg when it first draws a PNG
# (engine/io/chart_png.cpp).
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(Rsvg QUIET IMPORTED_TARGET librsvg-2.0)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Rsvg REQUIRED_VARS Rsvg_LINK_LIBRARIES VERSION_VAR Rsvg_VERSION)
if(Rsvg_FOUND AND NOT TARGET Rsvg::headers)
  add_library(Rsvg::headers INTERFACE IMPORTED)
  target_include_directories(Rsvg::headers INTERFACE ${Rsvg_INCLUDE_DIRS})
  target_compile_options(Rsvg::headers INTERFACE ${Rsvg_CFLAGS_OTHER})
endif()
