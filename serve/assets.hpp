// The classroom's pages, compiled into the binary from serve/assets/ (serve/embed_assets.cmake
// writes them into a source file at build time): nothing is fetched from anywhere.
#pragma once

#include <string_view>

namespace steppe::serve::assets {

extern const std::string_view classroom_html;
extern const std::string_view classroom_js;
extern const std::string_view classroom_css;

}  // namespace steppe::serve::assets
