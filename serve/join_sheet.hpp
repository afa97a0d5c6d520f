// The classroom's join links and their printable sheet: one link per team, one for the
// facilitator and one for the projector, each carrying its holder's token after '#' (so that it
// never reaches a server log or another site as a referrer), each with a QR code to scan from a
// phone (libqrencode).
#pragma once

#include <string>
#include <vector>

namespace steppe::serve {

struct JoinLink {
  std::string who;                    // "Mongolia (MNG)", "Facilitator", "Projector"
  std::string url;                    // http://HOST:PORT/#TOKEN
  bool secret_from_students = false;  // the facilitator's: cut off before handing the sheet out
};

// A QR code of `text` as a standalone SVG image (error correction level M, a quiet zone of four
// modules), `size` pixels square.
std::string qr_svg(const std::string& text, int size);

// The join sheet: a self-contained HTML page with a card per link to print and cut apart.
std::string join_sheet_html(const std::string& title, const std::vector<JoinLink>& links);

}  // namespace steppe::serve
