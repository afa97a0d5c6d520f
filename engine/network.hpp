// The actor network: who can reach the focal state, over which routes, controlled by whom.
//
// A scenario's `network` section lists nodes (actors and transit nodes such as an airspace or a
// port) and directed edges. Each edge has a base availability, optionally a gating lever of the
// partner whose route uses it, and per controlling neighbor a sensitivity. At load time this
// file builds a Boost.Graph, rejects a network in which some partner cannot reach the focal
// state, and enumerates each partner's simple paths to the focal state into a route table. The
// step loop evaluates that table vectorized over members (see the model kernel); nothing here
// runs per step. It also answers `steppe describe --network`: the share of each partner's route
// capacity a neighbor controls (max-flow with and without it) and the neighbor's betweenness.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/errors.hpp"

namespace steppe {

struct EdgeControl {
  std::string neighbor;      // actor name of the controlling neighbor
  double sensitivity = 1.0;  // in [0, 1]: how far that neighbor's coercion closes the edge
  SourceMark mark;
};

struct EdgeSpec {
  std::string from;
  std::string to;
  double base = 1.0;  // availability in [0, 1] with no coercion and the gate fully open
  std::string gate;   // a lever of the route's partner that scales availability; "" for none
  std::vector<EdgeControl> controls;
  SourceMark mark;  // where the edge is written
};

struct NetworkSpec {
  std::vector<std::string> nodes;      // transit nodes; actors are nodes implicitly
  std::vector<SourceMark> node_marks;  // parallel to nodes
  std::vector<EdgeSpec> edges;
  SourceMark mark;  // where the `network` section is written
  // Where each actor is declared: a partner that cannot reach the focal state is reported there
  // (it may come from a file that extends the one holding the network); else at `mark`.
  std::map<std::string, SourceMark> actor_marks;
  bool empty() const { return edges.empty(); }
};

// A built, validated network. Indices of neighbors and partners follow the order of the vectors
// given to build().
class Network {
 public:
  struct Edge {
    double base = 1.0;
    std::string gate;                              // lever name of the route's partner, "" when not gated
    std::vector<std::pair<int, double>> controls;  // (neighbor index, sensitivity)
  };
  using Route = std::vector<int>;  // edge indices, from the partner to the focal state

  struct ControlReport {
    std::string neighbor;
    std::string partner;
    double capacity_share = 0;  // 1 - maxflow(edges scaled by 1 - sensitivity) / maxflow(all)
    double betweenness = 0;     // Brandes edge betweenness summed over the edges it controls
  };

  // Throws InputError (at the offending mark, key path under "network") for: an edge naming an
  // unknown node (with "did you mean"), a controlling actor that is not a neighbor, a base or
  // sensitivity outside [0, 1], a gate lever not in `gate_levers`, a duplicate node, and a
  // partner with no path to the focal state ("partner 'JPN' cannot reach 'MNG'", at the actor's
  // declaration when known).
  // Routes longer than `max_route_edges` edges are not enumerated.
  static Network build(const NetworkSpec& spec, const std::string& focal, const std::vector<std::string>& neighbors,
                       const std::vector<std::string>& partners, const std::vector<std::string>& gate_levers,
                       int max_route_edges = 6);

  const std::vector<Edge>& edges() const { return edges_; }
  // routes(p): every simple path of partner p to the focal state, in a deterministic order.
  const std::vector<Route>& routes(int partner) const { return routes_[partner]; }
  int partner_count() const { return static_cast<int>(routes_.size()); }
  const std::vector<std::string>& partners() const { return partners_; }  // actor names, in build() order

  // One report per (neighbor, partner), neighbors outer, in build() order.
  std::vector<ControlReport> control_reports() const;

 private:
  std::vector<std::string> node_names_;
  std::vector<std::pair<int, int>> edge_ends_;  // node indices
  std::vector<Edge> edges_;
  std::vector<std::vector<Route>> routes_;
  std::vector<std::string> neighbors_;
  std::vector<std::string> partners_;
  int focal_node_ = -1;
  std::vector<int> partner_nodes_;
};

}  // namespace steppe
