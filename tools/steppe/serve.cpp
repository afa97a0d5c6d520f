// `steppe serve GAME`: the web classroom (docs/wargame.md, "Playing in the browser"). Serves the
// game folder to a class — a page per team, the facilitator's dashboard and the projector's view
// — until Ctrl-C, as the game's single writer; prints the join links and writes them with QR
// codes as GAME/join.html to print. The classroom itself is serve/.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "engine/io/output_files.hpp"
#include "serve/classroom.hpp"
#include "serve/http_server.hpp"
#include "serve/join_sheet.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/interrupt.hpp"

namespace steppe::cli {

namespace fs = std::filesystem;

namespace {

struct ServeOptions {
  std::string game;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string url;  // what the links start with, when the address the server listens on is not it
};

// This machine's first IPv4 address on a network (not loopback): what the class's laptops reach
// when the server listens on every address.
std::string network_address() {
  ifaddrs* interfaces = nullptr;
  if (::getifaddrs(&interfaces) != 0) return "127.0.0.1";
  std::string found = "127.0.0.1";
  for (const ifaddrs* entry = interfaces; entry; entry = entry->ifa_next)
    if (entry->ifa_addr && entry->ifa_addr->sa_family == AF_INET && (entry->ifa_flags & IFF_UP) &&
        !(entry->ifa_flags & IFF_LOOPBACK)) {
      char text[INET_ADDRSTRLEN] = {};
      ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(entry->ifa_addr)->sin_addr, text, sizeof text);
      found = text;
      break;
    }
  ::freeifaddrs(interfaces);
  return found;
}

int serve_command(const ServeOptions& options) {
  serve::Classroom classroom(options.game);
  serve::HttpServer server(classroom);
  const int port = server.bind(options.host, options.port);
  std::string base = options.url;
  if (base.empty())
    base = fmt::format("http://{}:{}", options.host == "0.0.0.0" ? network_address() : options.host, port);
  while (base.ends_with('/')) base.pop_back();

  const wargame::Definition& definition = classroom.definition();
  const serve::Tokens& tokens = classroom.tokens();
  std::vector<serve::JoinLink> links;
  std::vector<std::string> computer;  // teams no one joins: the computer plays them
  for (const wargame::Team& team : definition.teams)
    if (team.computer)
      computer.push_back(fmt::format("{} ({})", team.name, team.id));
    else
      links.push_back({fmt::format("{} ({})", team.name, team.id), fmt::format("{}/#{}", base, tokens.team(team.id))});
  links.push_back({"Projector", fmt::format("{}/#{}", base, tokens.projector())});
  links.push_back({"Facilitator", fmt::format("{}/#{}", base, tokens.facilitator()), true});
  const fs::path sheet = fs::path(options.game) / "join.html";
  write_durably(sheet, serve::join_sheet_html(definition.title, links), 0600);

  fmt::print("serving {} at {}/ (Ctrl-C stops; the game is saved after every change)\n", definition.title, base);
  for (const serve::JoinLink& link : links) fmt::print("  {:<24} {}\n", link.who, link.url);
  for (const std::string& team : computer) fmt::print("  {:<24} played by the computer\n", team);
  fmt::print("the join sheet with QR codes to print: {}\n", sheet.string());
  std::fflush(stdout);

  // A signal only sets a flag (InterruptScope); this stops the server when one arrives.
  std::jthread watcher([&server](std::stop_token stop) {
    while (!stop.stop_requested() && !interrupted()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.stop();
  });
  server.serve();
  watcher.request_stop();
  watcher.join();
  fmt::print("the classroom is closed; the game is saved in {}\n", options.game);
  return interrupted() ? interrupted_exit_code() : 0;
}

const CommandRegistration serve_registration(105, [](CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  auto* serve_app = app.add_subcommand("serve", "Serve a wargame to a class in the browser (docs/wargame.md)");
  serve_app->add_option("game", options->game, "The game folder (steppe wargame new makes one)")->required();
  serve_app->add_option("--host", options->host, "Address to listen on; 0.0.0.0 for the classroom network")
      ->capture_default_str();
  serve_app->add_option("--port", options->port, "Port to listen on (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  serve_app->add_option("--url", options->url, "What the join links start with (default http://HOST:PORT)");
  return Command{serve_app, [options](const std::string&) { return serve_command(*options); }};
});

}  // namespace

}  // namespace steppe::cli
