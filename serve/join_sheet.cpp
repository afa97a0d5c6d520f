#include "serve/join_sheet.hpp"

#include <fmt/format.h>
#include <qrencode.h>

#include <memory>
#include <stdexcept>

#include "engine/io/svg_chart.hpp"

namespace steppe::serve {

std::string qr_svg(const std::string& text, int size) {
  const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code) throw std::runtime_error("cannot make a QR code of " + text);
  constexpr int quiet = 4;
  const int width = code->width;
  std::string path;
  for (int row = 0; row < width; ++row)
    for (int column = 0; column < width; ++column)
      if (code->data[row * width + column] & 1) path += fmt::format("M{} {}h1v1h-1z", column + quiet, row + quiet);
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{0}" viewBox="0 0 {1} {1}" )"
      R"(shape-rendering="crispEdges" role="img" aria-label="QR code"><rect width="{1}" height="{1}" fill="#fff"/>)"
      R"(<path d="{2}" fill="#000"/></svg>)",
      size, width + 2 * quiet, path);
}

std::string join_sheet_html(const std::string& title, const std::vector<JoinLink>& links) {
  std::string cards;
  for (const JoinLink& link : links)
    cards += fmt::format(R"(<section class="card{}"><h2>{}</h2>{}<p class="url">{}</p>{}</section>)"
                         "\n",
                         link.secret_from_students ? " keep" : "", escape_xml(link.who), qr_svg(link.url, 180),
                         escape_xml(link.url),
                         link.secret_from_students ? "<p class=\"warn\">Keep this one: it controls the game.</p>" : "");
  return fmt::format(R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Join — {0}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1cm; }}
h1 {{ font-size: 1.3rem; }}
.cards {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(7.5cm, 1fr)); gap: 0.5cm; }}
.card {{ border: 1px dashed #888; padding: 0.4cm; break-inside: avoid; text-align: center; }}
.card h2 {{ font-size: 1.1rem; margin: 0 0 0.2cm; }}
.url {{ font-family: monospace; font-size: 0.75rem; word-break: break-all; }}
.keep {{ border: 2px solid #b00; }}
.warn {{ color: #b00; font-weight: bold; }}
</style></head><body>
<h1>{0}</h1>
<p>Each team opens its own link (or scans its code) on a laptop or phone on the classroom network.
A link is its holder's key: cut the cards apart and hand each team only its own.</p>
<div class="cards">
{1}</div></body></html>
)",
                     escape_xml(title), cards);
}

}  // namespace steppe::serve
