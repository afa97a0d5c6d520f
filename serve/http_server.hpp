// The classroom over HTTP (cpp-httplib): the pages, served from the binary, and a JSON API in
// which every request carries its holder's token — `Authorization: Bearer TOKEN`, or `?token=`
// for the event stream, which browsers open without headers. No token or an unknown one is 401,
// a role asking for what it may not is 403, a malformed request 400, a move or command against
// the rules 409 with the rule's message. Pages learn of every change by Server-Sent Events
// (/api/events) and refetch their view. docs/wargame.md lists the endpoints.
#pragma once

#include <memory>
#include <string>

#include "serve/classroom.hpp"

namespace steppe::serve {

class HttpServer {
 public:
  explicit HttpServer(Classroom& classroom);
  ~HttpServer();
  // Binds to host:port (port 0: any free port) and returns the port, or throws when it cannot.
  int bind(const std::string& host, int port);
  // Serves until stop(); returns then.
  void serve();
  // Closes the event streams and stops serving; safe from another thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace steppe::serve
