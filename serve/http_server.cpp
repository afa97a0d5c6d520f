#include "serve/http_server.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <stdexcept>

#include "engine/errors.hpp"
#include "engine/wargame.hpp"
#include "serve/assets.hpp"

namespace steppe::serve {

using nlohmann::json;

namespace {

// Event streams and the requests of 40 pages at once each hold a thread while open.
constexpr std::size_t threads = 192;
constexpr std::size_t largest_request_bytes = 64 << 10;
// An event stream sends a comment this often when nothing changes, so that a dead connection is
// noticed and proxies keep a live one open.
constexpr std::chrono::seconds keep_alive_interval{15};

void send_json(httplib::Response& response, int status, const json& body) {
  response.status = status;
  response.set_header("Cache-Control", "no-store");
  response.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& response, int status, const std::string& message) {
  send_json(response, status, {{"error", message}});
}

std::string bearer_token(const httplib::Request& request) {
  const std::string header = request.get_header_value("Authorization");
  constexpr std::string_view scheme = "Bearer ";
  return header.starts_with(scheme) ? header.substr(scheme.size()) : std::string{};
}

// cpp-httplib's server with room for a class connecting at once: Debian's library listens with a
// queue of 5 connections, and when 40 pages reconnect together the kernel drops the rest (they
// retry a second later). listen() again on the bound socket only lengthens the queue.
class ClassroomHttp : public httplib::Server {
 public:
  void lengthen_queue() { ::listen(svr_sock_, SOMAXCONN); }
};

}  // namespace

struct HttpServer::Impl {
  Classroom& classroom;
  ClassroomHttp server;

  // Runs `answer` for the request's holder and sends what it returns, or the error it throws.
  void api(httplib::Response& response, const std::string& token, const std::function<json(const Holder&)>& answer) {
    const std::optional<Holder> holder = classroom.holder(token);
    if (!holder) return send_error(response, 401, "this page needs its link from the join sheet (no valid token)");
    try {
      send_json(response, 200, answer(*holder));
    } catch (const Forbidden& error) {
      send_error(response, 403, error.what());
    } catch (const BadRequest& error) {
      send_error(response, 400, error.what());
    } catch (const wargame::GameError& error) {
      send_error(response, 409, error.what());
    } catch (const InputError& error) {
      send_error(response, 400, error.message());
    }
  }

  // A POST whose JSON body `act` takes.
  void post(const char* pattern, json (Classroom::*act)(const Holder&, const json&)) {
    server.Post(pattern, [this, act](const httplib::Request& request, httplib::Response& response) {
      api(response, bearer_token(request), [&](const Holder& holder) {
        json body;
        try {
          body = request.body.empty() ? json::object() : json::parse(request.body);
        } catch (const json::exception&) {
          throw BadRequest("the request body is not JSON");
        }
        return (classroom.*act)(holder, body);
      });
    });
  }

  void routes() {
    const auto asset = [this](const char* path, std::string_view content, const char* type) {
      server.Get(path, [content, type](const httplib::Request&, httplib::Response& response) {
        // Nothing but the page's own script and style (no inline script, nothing from elsewhere).
        response.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
        response.set_content(std::string(content), type);
      });
    };
    asset("/", assets::classroom_html, "text/html; charset=utf-8");
    asset("/classroom.js", assets::classroom_js, "text/javascript; charset=utf-8");
    asset("/classroom.css", assets::classroom_css, "text/css; charset=utf-8");

    server.Get("/api/view", [this](const httplib::Request& request, httplib::Response& response) {
      api(response, bearer_token(request), [&](const Holder& holder) { return classroom.view(holder); });
    });
    server.Get(R"(/api/teams/([A-Za-z0-9_]+)/view)",
               [this](const httplib::Request& request, httplib::Response& response) {
                 api(response, bearer_token(request),
                     [&](const Holder& holder) { return classroom.team_view(holder, request.matches[1]); });
               });
    post("/api/moves", &Classroom::submit);
    post("/api/injects", &Classroom::inject);
    post("/api/overrides", &Classroom::override_levers);
    post("/api/advance", &Classroom::advance);
    post("/api/undo", &Classroom::undo);
    post("/api/timer", &Classroom::timer);
    post("/api/reveal", &Classroom::reveal);

    // The debrief is a page of its own (a link opens it in a tab), so its token comes in the
    // address; its inline style is the report's own, its charts inline SVG.
    server.Get("/debrief", [this](const httplib::Request& request, httplib::Response& response) {
      std::string page;
      api(response, request.get_param_value("token"), [&](const Holder& holder) {
        page = classroom.debrief(holder);
        return json();
      });
      if (response.status != 200) return;
      response.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      response.set_content(page, "text/html; charset=utf-8");
    });

    server.Get("/api/events", [this](const httplib::Request& request, httplib::Response& response) {
      if (!classroom.holder(request.get_param_value("token")))
        return send_error(response, 401, "this page needs its link from the join sheet (no valid token)");
      response.set_header("Cache-Control", "no-store");
      response.set_chunked_content_provider(
          "text/event-stream", [this, seen = std::uint64_t{0}](std::size_t, httplib::DataSink& sink) mutable {
            const std::uint64_t version =
                seen == 0 ? classroom.version() : classroom.wait_for_change(seen, keep_alive_interval);
            if (classroom.closed()) return false;
            // The first message says how soon to reconnect after a lost connection.
            const std::string message = seen == 0 ? fmt::format("retry: 1000\nevent: change\ndata: {}\n\n", version)
                                        : version != seen ? fmt::format("event: change\ndata: {}\n\n", version)
                                                          : std::string(": still here\n\n");
            seen = version;
            return sink.write(message.data(), message.size());
          });
    });
  }
};

HttpServer::HttpServer(Classroom& classroom) : impl_(new Impl{classroom, {}}) {
  httplib::Server& server = impl_->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(threads); };
  // A page's connection stays open for its next request rather than every fifth one
  // reconnecting; a response goes out at once rather than waiting on the client's acknowledgement
  // of its headers (Nagle's algorithm cost each answer some 40 ms).
  server.set_keep_alive_max_count(10000);
  server.set_keep_alive_timeout(30);
  server.set_tcp_nodelay(true);
  server.set_payload_max_length(largest_request_bytes);
  server.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}});
  server.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
    std::string message = "the server failed";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& caught) {
      message = caught.what();
    } catch (...) {
    }
    send_error(response, 500, message);
  });
  impl_->routes();
}

HttpServer::~HttpServer() = default;

int HttpServer::bind(const std::string& host, int port) {
  const int bound = port == 0                                ? impl_->server.bind_to_any_port(host)
                    : impl_->server.bind_to_port(host, port) ? port
                                                             : -1;
  if (bound < 0)
    throw std::runtime_error(
        fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)", host, port));
  impl_->server.lengthen_queue();
  return bound;
}

void HttpServer::serve() { impl_->server.listen_after_bind(); }

void HttpServer::stop() {
  impl_->classroom.close();
  impl_->server.stop();
}

}  // namespace steppe::serve
