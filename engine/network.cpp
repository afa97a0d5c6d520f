#include "engine/network.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/boykov_kolmogorov_max_flow.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>
#include <boost/property_map/property_map.hpp>
#include <boost/range/iterator_range.hpp>
#include <cstddef>
#include <stdexcept>
#include <unordered_map>

namespace steppe {

namespace {

using EdgeEnds = std::vector<std::pair<int, int>>;

// The route graph: one vertex per node, one edge per EdgeSpec, added in spec order and carrying
// its spec index. With vecS out-edge lists, out_edges() yields a vertex's edges in insertion
// order, which is what makes route enumeration deterministic.
using RouteGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                         boost::property<boost::edge_index_t, int>>;

RouteGraph make_route_graph(std::size_t node_count, const EdgeEnds& ends) {
  RouteGraph graph(node_count);
  for (std::size_t i = 0; i < ends.size(); ++i)
    boost::add_edge(ends[i].first, ends[i].second, boost::property<boost::edge_index_t, int>(static_cast<int>(i)),
                    graph);
  return graph;
}

// The max-flow graph is separate from the route graph because Boykov–Kolmogorov needs every edge
// paired with a reverse edge (capacity 0) to push residual flow back along, plus capacity and
// residual maps; none of that belongs in the route graph. It is bidirectionalS although only
// out-edges are used: Boykov–Kolmogorov walks edges(g), and the directedS edge iterator trips a
// GCC 12 -Wmaybe-uninitialized false positive there, while the bidirectionalS one walks a plain
// stored edge list.
using FlowTraits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::bidirectionalS>;

struct FlowEdge {
  double capacity = 0;
  double residual = 0;
  FlowTraits::edge_descriptor reverse;
};

using FlowGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, FlowEdge>;

// Max flow from `source` to `sink` with capacities[i] on edge i. Boykov–Kolmogorov rather than
// push-relabel: push-relabel's debug self-check compares floating-point flows for exact equality
// and can fail on rounding.
double max_flow(std::size_t node_count, const EdgeEnds& ends, const std::vector<double>& capacities, int source,
                int sink) {
  FlowGraph graph(node_count);
  for (std::size_t i = 0; i < ends.size(); ++i) {
    const auto forward = boost::add_edge(ends[i].first, ends[i].second, graph).first;
    const auto backward = boost::add_edge(ends[i].second, ends[i].first, graph).first;
    graph[forward].capacity = capacities[i];
    graph[forward].reverse = backward;
    graph[backward].reverse = forward;
  }
  return boost::boykov_kolmogorov_max_flow(
      graph, boost::get(&FlowEdge::capacity, graph), boost::get(&FlowEdge::residual, graph),
      boost::get(&FlowEdge::reverse, graph), boost::get(boost::vertex_index, graph), static_cast<std::size_t>(source),
      static_cast<std::size_t>(sink));
}

// Number of edges on a shortest path from `source` to each vertex; -1 where unreachable.
std::vector<int> hop_distances(const RouteGraph& graph, int source) {
  std::vector<int> distance(boost::num_vertices(graph), -1);
  distance[static_cast<std::size_t>(source)] = 0;
  boost::breadth_first_search(
      graph, static_cast<std::size_t>(source),
      boost::visitor(boost::make_bfs_visitor(boost::record_distances(distance.data(), boost::on_tree_edge()))));
  return distance;
}

// Appends to `routes` every simple path from `at` to `target` that extends `path` by at most
// `edges_left` edges. `on_path` marks the vertices already on `path`; never revisiting them keeps
// paths simple and ends every cycle. A path stops at `target`: going on could only return to it.
void enumerate_routes(const RouteGraph& graph, std::size_t at, std::size_t target, int edges_left,
                      std::vector<bool>& on_path, Network::Route& path, std::vector<Network::Route>& routes) {
  if (at == target) {
    routes.push_back(path);
    return;
  }
  if (edges_left == 0) return;
  on_path[at] = true;
  for (const auto edge : boost::make_iterator_range(boost::out_edges(at, graph))) {
    const std::size_t next = boost::target(edge, graph);
    if (on_path[next]) continue;
    path.push_back(boost::get(boost::edge_index, graph, edge));
    enumerate_routes(graph, next, target, edges_left - 1, on_path, path, routes);
    path.pop_back();
  }
  on_path[at] = false;
}

// NaN fails both comparisons and infinities fail one, so this also rejects non-finite values.
bool in_unit_interval(double x) { return x >= 0.0 && x <= 1.0; }

}  // namespace

Network Network::build(const NetworkSpec& spec, const std::string& focal, const std::vector<std::string>& neighbors,
                       const std::vector<std::string>& partners, const std::vector<std::string>& gate_levers,
                       int max_route_edges) {
  Network network;
  network.neighbors_ = neighbors;
  network.partners_ = partners;

  // Actors are nodes first (focal, neighbors, partners), then the transit nodes.
  std::unordered_map<std::string, int> node_index;
  auto add_node = [&](const std::string& name) {
    const bool added = node_index.emplace(name, static_cast<int>(node_index.size())).second;
    if (added) network.node_names_.push_back(name);
    return added;
  };
  // Roles are validated when the scenario is read, so a repeated actor here is an engine bug.
  auto add_actor = [&](const std::string& name) {
    if (!add_node(name)) throw std::logic_error(fmt::format("Network::build: actor '{}' given twice", name));
  };
  add_actor(focal);
  for (const auto& name : neighbors) add_actor(name);
  for (const auto& name : partners) add_actor(name);
  const std::size_t actor_count = node_index.size();

  for (std::size_t i = 0; i < spec.nodes.size(); ++i) {
    const std::string& name = spec.nodes[i];
    if (add_node(name)) continue;
    // Specs built in code may leave node_marks empty; the section mark is the best we have then.
    const SourceMark& mark = i < spec.node_marks.size() ? spec.node_marks[i] : spec.mark;
    const std::string message = static_cast<std::size_t>(node_index.at(name)) < actor_count
                                    ? fmt::format("node '{}' is already an actor (actors are nodes implicitly)", name)
                                    : fmt::format("duplicate node '{}'", name);
    throw InputError(mark, fmt::format("network.nodes[{}]", i), message);
  }

  for (std::size_t i = 0; i < spec.edges.size(); ++i) {
    const EdgeSpec& spec_edge = spec.edges[i];
    const std::string key = fmt::format("network.edges[{}]", i);
    auto find_node = [&](const std::string& name, const char* field) {
      const auto found = node_index.find(name);
      if (found == node_index.end())
        throw InputError(spec_edge.mark, key + field, unknown_name_message("node", name, network.node_names_));
      return found->second;
    };
    const int from = find_node(spec_edge.from, ".from");
    const int to = find_node(spec_edge.to, ".to");
    // A self-loop is on no simple path and carries no flow; it can only be a mistake.
    if (from == to)
      throw InputError(spec_edge.mark, key + ".to", fmt::format("edge leads from '{}' back to itself", spec_edge.from));
    if (!in_unit_interval(spec_edge.base))
      throw InputError(spec_edge.mark, key + ".base", fmt::format("base must be in [0, 1], got {}", spec_edge.base));
    if (!spec_edge.gate.empty() &&
        std::find(gate_levers.begin(), gate_levers.end(), spec_edge.gate) == gate_levers.end())
      throw InputError(spec_edge.mark, key + ".gate", unknown_name_message("lever", spec_edge.gate, gate_levers));

    Edge edge{spec_edge.base, spec_edge.gate, {}};
    for (const EdgeControl& control : spec_edge.controls) {
      const std::string control_key = fmt::format("{}.controlled_by.{}", key, control.neighbor);
      const auto neighbor = std::find(neighbors.begin(), neighbors.end(), control.neighbor);
      if (neighbor == neighbors.end()) {
        // A known node is not a typo, so suggesting a neighbor would only confuse.
        const std::string message =
            node_index.count(control.neighbor) != 0
                ? fmt::format("'{}' is not a neighbor; only neighbors control edges", control.neighbor)
                : unknown_name_message("neighbor", control.neighbor, neighbors);
        throw InputError(control.mark, control_key, message);
      }
      if (!in_unit_interval(control.sensitivity))
        throw InputError(control.mark, control_key,
                         fmt::format("sensitivity must be in [0, 1], got {}", control.sensitivity));
      edge.controls.emplace_back(static_cast<int>(neighbor - neighbors.begin()), control.sensitivity);
    }
    network.edge_ends_.emplace_back(from, to);
    network.edges_.push_back(std::move(edge));
  }

  const RouteGraph graph = make_route_graph(network.node_names_.size(), network.edge_ends_);
  network.focal_node_ = node_index.at(focal);
  const auto focal_vertex = static_cast<std::size_t>(network.focal_node_);
  for (const auto& partner : partners) {
    const int partner_node = node_index.at(partner);
    network.partner_nodes_.push_back(partner_node);

    // Reachability first, so an unreachable partner gets a clear error rather than no routes.
    // A partner whose shortest route exceeds the bound would likewise end up with no routes and
    // silently zero access, so that is rejected too.
    const int hops = hop_distances(graph, partner_node)[focal_vertex];
    if (hops < 0) {
      const auto declared = spec.actor_marks.find(partner);
      if (declared != spec.actor_marks.end())
        throw InputError(
            declared->second, "actors." + partner,
            fmt::format("partner '{}' cannot reach '{}': no route in the network leads from it", partner, focal));
      throw InputError(spec.mark, "network", fmt::format("partner '{}' cannot reach '{}'", partner, focal));
    }
    if (hops > max_route_edges)
      throw InputError(spec.mark, "network",
                       fmt::format("partner '{}' needs {} edges to reach '{}', more than the {} "
                                   "a route may have",
                                   partner, hops, focal, max_route_edges));

    std::vector<bool> on_path(network.node_names_.size(), false);
    Route path;
    std::vector<Route> routes;
    enumerate_routes(graph, static_cast<std::size_t>(partner_node), focal_vertex, max_route_edges, on_path, path,
                     routes);
    network.routes_.push_back(std::move(routes));
  }
  return network;
}

std::vector<Network::ControlReport> Network::control_reports() const {
  const std::size_t node_count = node_names_.size();

  // Capacities ignore gates: the report describes the network with every gate fully open.
  std::vector<double> base_capacity;
  for (const auto& edge : edges_) base_capacity.push_back(edge.base);
  std::vector<double> full_flow;
  for (const int partner_node : partner_nodes_)
    full_flow.push_back(max_flow(node_count, edge_ends_, base_capacity, partner_node, focal_node_));

  // Edge betweenness depends on the topology only, so one pass serves every neighbor.
  const RouteGraph graph = make_route_graph(node_count, edge_ends_);
  std::vector<double> betweenness(edges_.size(), 0.0);
  boost::brandes_betweenness_centrality(graph, boost::edge_centrality_map(boost::make_iterator_property_map(
                                                   betweenness.begin(), boost::get(boost::edge_index, graph))));

  std::vector<ControlReport> reports;
  for (std::size_t n = 0; n < neighbors_.size(); ++n) {
    // The network as it would be if this neighbor closed its edges as far as it can.
    std::vector<double> capacity = base_capacity;
    double neighbor_betweenness = 0;
    for (std::size_t e = 0; e < edges_.size(); ++e) {
      for (const auto& [neighbor, sensitivity] : edges_[e].controls) {
        if (static_cast<std::size_t>(neighbor) != n) continue;
        capacity[e] *= 1.0 - sensitivity;
        if (sensitivity > 0) neighbor_betweenness += betweenness[e];
      }
    }
    for (std::size_t p = 0; p < partners_.size(); ++p) {
      const double without = max_flow(node_count, edge_ends_, capacity, partner_nodes_[p], focal_node_);
      const double share = full_flow[p] > 0 ? 1.0 - without / full_flow[p] : 0.0;
      reports.push_back({neighbors_[n], partners_[p], share, neighbor_betweenness});
    }
  }
  return reports;
}

}  // namespace steppe
