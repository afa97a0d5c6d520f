#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <optional>

#include "engine/network.hpp"

using Catch::Matchers::Contains;
using steppe::EdgeControl;
using steppe::EdgeSpec;
using steppe::InputError;
using steppe::Network;
using steppe::NetworkSpec;
using steppe::SourceMark;

namespace {

const std::vector<std::string> kNeighbors = {"CHN", "RUS"};  // CHN is neighbor 0, RUS 1
const std::vector<std::string> kGateLevers = {"pme", "khaan_quest", "air_link"};

SourceMark at(int line) { return {"scenario.yaml", line, 5}; }

EdgeSpec edge(const std::string& from, const std::string& to, double base, int line,
              std::vector<EdgeControl> controls = {}, const std::string& gate = "") {
  return {from, to, base, gate, std::move(controls), at(line)};
}

EdgeControl control(const std::string& neighbor, double sensitivity, int line) {
  return {neighbor, sensitivity, at(line)};
}

void add_node(NetworkSpec& spec, const std::string& name, int line) {
  spec.nodes.push_back(name);
  spec.node_marks.push_back(at(line));
}

// The flagship network of docs/model.md §7.3: edges 0-3 leave USA, edges 4-7 enter MNG.
NetworkSpec flagship() {
  NetworkSpec spec;
  spec.mark = at(1);
  add_node(spec, "RU_AIRSPACE", 3);
  add_node(spec, "CN_AIRSPACE", 4);
  add_node(spec, "TIANJIN", 5);
  add_node(spec, "DIRECT_AIR", 6);
  spec.edges = {
      edge("USA", "RU_AIRSPACE", 0.9, 8, {control("RUS", 1.0, 9)}),
      edge("USA", "CN_AIRSPACE", 0.9, 10, {control("CHN", 1.0, 11)}),
      edge("USA", "TIANJIN", 0.6, 12, {control("CHN", 1.0, 13)}),
      edge("USA", "DIRECT_AIR", 0.8, 14, {control("CHN", 0.3, 15), control("RUS", 0.3, 16)}, "air_link"),
      edge("RU_AIRSPACE", "MNG", 1.0, 17),
      edge("CN_AIRSPACE", "MNG", 1.0, 18),
      edge("TIANJIN", "MNG", 1.0, 19),
      edge("DIRECT_AIR", "MNG", 1.0, 20),
  };
  return spec;
}

Network build(const NetworkSpec& spec, const std::vector<std::string>& partners = {"USA"}, int max_route_edges = 6) {
  return Network::build(spec, "MNG", kNeighbors, partners, kGateLevers, max_route_edges);
}

// The InputError build() throws, or nothing when it succeeds.
std::optional<InputError> build_error(const NetworkSpec& spec, const std::vector<std::string>& partners = {"USA"},
                                      int max_route_edges = 6) {
  try {
    build(spec, partners, max_route_edges);
  } catch (const InputError& error) {
    return error;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("the flagship network has one two-edge route per transit node", "[network]") {
  const Network network = build(flagship());

  REQUIRE(network.partner_count() == 1);
  REQUIRE(network.routes(0) == std::vector<Network::Route>{{0, 4}, {1, 5}, {2, 6}, {3, 7}});

  struct Expected {
    double base;
    std::string gate;
    std::vector<std::pair<int, double>> controls;
  };
  const std::vector<Expected> first_legs = {
      {0.9, "", {{1, 1.0}}},
      {0.9, "", {{0, 1.0}}},
      {0.6, "", {{0, 1.0}}},
      {0.8, "air_link", {{0, 0.3}, {1, 0.3}}},
  };
  for (std::size_t r = 0; r < first_legs.size(); ++r) {
    const auto& route = network.routes(0)[r];
    const Network::Edge& first = network.edges()[static_cast<std::size_t>(route[0])];
    CHECK(first.base == first_legs[r].base);
    CHECK(first.gate == first_legs[r].gate);
    CHECK(first.controls == first_legs[r].controls);
    const Network::Edge& second = network.edges()[static_cast<std::size_t>(route[1])];
    CHECK(second.base == 1.0);
    CHECK(second.gate.empty());
    CHECK(second.controls.empty());
  }
}

TEST_CASE("flagship control reports give each neighbor's share of USA's route capacity", "[network]") {
  const auto reports = build(flagship()).control_reports();

  REQUIRE(reports.size() == 2);
  CHECK(reports[0].neighbor == "CHN");
  CHECK(reports[0].partner == "USA");
  CHECK(reports[1].neighbor == "RUS");
  CHECK(reports[1].partner == "USA");

  // Max flow with every edge open is 0.9 + 0.9 + 0.6 + 0.8 = 3.2. Without CHN only RU_AIRSPACE
  // and a 0.7-scaled DIRECT_AIR remain; without RUS, all but RU_AIRSPACE with DIRECT_AIR scaled.
  CHECK(reports[0].capacity_share == Approx(1.0 - (0.9 + 0.8 * 0.7) / 3.2));
  CHECK(reports[1].capacity_share == Approx(1.0 - (0.9 + 0.6 + 0.8 * 0.7) / 3.2));

  // Each first leg lies on the one shortest USA->transit path and on a quarter of the four
  // shortest USA->MNG paths: betweenness 1.25. CHN controls three of them, RUS two.
  CHECK(reports[0].betweenness == Approx(3 * 1.25));
  CHECK(reports[1].betweenness == Approx(2 * 1.25));
}

TEST_CASE("a second partner gets its own routes and control reports", "[network]") {
  NetworkSpec spec = flagship();
  add_node(spec, "VLADIVOSTOK", 7);
  spec.edges.push_back(edge("JPN", "TIANJIN", 0.5, 21, {control("CHN", 1.0, 22)}));
  spec.edges.push_back(edge("JPN", "VLADIVOSTOK", 0.7, 23, {control("RUS", 1.0, 24)}));
  spec.edges.push_back(edge("VLADIVOSTOK", "MNG", 0.8, 25));

  const Network network = build(spec, {"USA", "JPN"});

  REQUIRE(network.partner_count() == 2);
  CHECK(network.routes(0) == std::vector<Network::Route>{{0, 4}, {1, 5}, {2, 6}, {3, 7}});
  CHECK(network.routes(1) == std::vector<Network::Route>{{8, 6}, {9, 10}});

  const auto reports = network.control_reports();
  REQUIRE(reports.size() == 4);
  const std::vector<std::pair<std::string, std::string>> order = {
      {"CHN", "USA"}, {"CHN", "JPN"}, {"RUS", "USA"}, {"RUS", "JPN"}};
  for (std::size_t i = 0; i < order.size(); ++i) {
    CHECK(reports[i].neighbor == order[i].first);
    CHECK(reports[i].partner == order[i].second);
  }
  // JPN's max flow is 0.5 via TIANJIN plus min(0.7, 0.8) via VLADIVOSTOK = 1.2.
  CHECK(reports[1].capacity_share == Approx(1.0 - 0.7 / 1.2));
  CHECK(reports[3].capacity_share == Approx(1.0 - 0.5 / 1.2));
  // Betweenness is a property of the neighbor, the same for every partner.
  CHECK(reports[0].betweenness == reports[1].betweenness);
  CHECK(reports[2].betweenness == reports[3].betweenness);
}

TEST_CASE("a partner whose routes have no capacity gets a zero share, not NaN", "[network]") {
  NetworkSpec spec;
  spec.edges = {edge("USA", "MNG", 0.0, 2, {control("CHN", 1.0, 3)})};

  const auto reports = build(spec).control_reports();

  REQUIRE(reports.size() == 2);
  CHECK(reports[0].capacity_share == 0.0);
  CHECK(reports[1].capacity_share == 0.0);
}

TEST_CASE("max_route_edges bounds route enumeration", "[network]") {
  NetworkSpec spec;
  add_node(spec, "A", 2);
  add_node(spec, "B", 3);
  add_node(spec, "C", 4);
  spec.edges = {
      edge("USA", "A", 1.0, 6),   // 0
      edge("A", "MNG", 1.0, 7),   // 1
      edge("USA", "B", 1.0, 8),   // 2
      edge("B", "C", 1.0, 9),     // 3
      edge("C", "MNG", 1.0, 10),  // 4
  };

  CHECK(build(spec, {"USA"}, 3).routes(0) == std::vector<Network::Route>{{0, 1}, {2, 3, 4}});
  CHECK(build(spec, {"USA"}, 2).routes(0) == std::vector<Network::Route>{{0, 1}});
}

TEST_CASE("a partner whose every route is longer than max_route_edges is rejected", "[network]") {
  NetworkSpec spec;
  spec.mark = at(1);
  add_node(spec, "A", 2);
  spec.edges = {edge("USA", "A", 1.0, 4), edge("A", "MNG", 1.0, 5)};

  const auto error = build_error(spec, {"USA"}, 1);

  REQUIRE(error);
  CHECK(error->key_path() == "network");
  CHECK(error->mark().line == 1);
  CHECK_THAT(error->what(), Contains("partner 'USA' needs 2 edges to reach 'MNG'"));
}

TEST_CASE("cycles in the network do not make route enumeration loop", "[network]") {
  NetworkSpec spec;
  add_node(spec, "A", 2);
  add_node(spec, "B", 3);
  spec.edges = {
      edge("USA", "A", 1.0, 5),     // 0
      edge("A", "B", 1.0, 6),       // 1
      edge("B", "A", 1.0, 7),       // 2: A <-> B cycle
      edge("B", "MNG", 1.0, 8),     // 3
      edge("A", "MNG", 1.0, 9),     // 4
      edge("MNG", "USA", 1.0, 10),  // 5: a cycle through the partner and the focal state
  };

  // Out-edges are followed in spec order: from A, first A->B, then A->MNG.
  CHECK(build(spec, {"USA"}, 20).routes(0) == std::vector<Network::Route>{{0, 1, 3}, {0, 4}});
}

TEST_CASE("a partner that cannot reach the focal state is rejected, naming it", "[network]") {
  const auto error = build_error(flagship(), {"USA", "JPN"});

  REQUIRE(error);
  CHECK(error->key_path() == "network");
  CHECK(error->mark().line == 1);
  CHECK_THAT(error->what(), Contains("partner 'JPN' cannot reach 'MNG'"));
}

TEST_CASE("an edge to an unknown node is rejected with a suggestion", "[network]") {
  NetworkSpec spec = flagship();
  spec.edges[1].to = "CN_AIRSPAC";

  const auto error = build_error(spec);

  REQUIRE(error);
  CHECK(error->key_path() == "network.edges[1].to");
  CHECK(error->mark().line == 10);
  CHECK(error->message() == "unknown node 'CN_AIRSPAC', did you mean 'CN_AIRSPACE'?");
  CHECK_THAT(error->what(), Contains("scenario.yaml:10:5"));
}

TEST_CASE("an edge from an unknown node with no close match gets no suggestion", "[network]") {
  NetworkSpec spec = flagship();
  spec.edges[6].from = "ATLANTIS";

  const auto error = build_error(spec);

  REQUIRE(error);
  CHECK(error->key_path() == "network.edges[6].from");
  CHECK(error->mark().line == 19);
  CHECK(error->message() == "unknown node 'ATLANTIS'");
}

TEST_CASE("an edge leading from a node back to itself is rejected", "[network]") {
  NetworkSpec spec = flagship();
  spec.edges.push_back(edge("TIANJIN", "TIANJIN", 1.0, 21));

  const auto error = build_error(spec);

  REQUIRE(error);
  CHECK(error->key_path() == "network.edges[8].to");
  CHECK(error->mark().line == 21);
}

TEST_CASE("an edge base outside [0, 1] or not finite is rejected", "[network]") {
  const double base =
      GENERATE(1.5, -0.1, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity());
  NetworkSpec spec = flagship();
  spec.edges[2].base = base;

  const auto error = build_error(spec);

  REQUIRE(error);
  CHECK(error->key_path() == "network.edges[2].base");
  CHECK(error->mark().line == 12);
  CHECK_THAT(error->message(), Contains("base must be in [0, 1]"));
}

TEST_CASE("an edge gated by an unknown lever is rejected with a suggestion", "[network]") {
  NetworkSpec spec = flagship();
  spec.edges[3].gate = "air_lnk";

  const auto error = build_error(spec);

  REQUIRE(error);
  CHECK(error->key_path() == "network.edges[3].gate");
  CHECK(error->mark().line == 14);
  CHECK(error->message() == "unknown lever 'air_lnk', did you mean 'air_link'?");
}

TEST_CASE("an edge controlled by a misspelled neighbor is rejected with a suggestion", "[network]") {
  NetworkSpec spec = flagship();
  spec.edges[0].controls[0].neighbor = "RUSS";

  const auto error = build_error(spec);

  REQUIRE(error);
  CHECK(error->key_path() == "network.edges[0].controlled_by.RUSS");
  CHECK(error->mark().line == 9);
  CHECK(error->message() == "unknown neighbor 'RUSS', did you mean 'RUS'?");
}

TEST_CASE("an edge controlled by an actor that is not a neighbor is rejected", "[network]") {
  NetworkSpec spec = flagship();
  spec.edges[3].controls[1].neighbor = "USA";

  const auto error = build_error(spec);

  REQUIRE(error);
  CHECK(error->key_path() == "network.edges[3].controlled_by.USA");
  CHECK(error->mark().line == 16);
  CHECK(error->message() == "'USA' is not a neighbor; only neighbors control edges");
}

TEST_CASE("a control sensitivity outside [0, 1] or not finite is rejected", "[network]") {
  const double sensitivity = GENERATE(1.2, -0.5, std::numeric_limits<double>::quiet_NaN());
  NetworkSpec spec = flagship();
  spec.edges[3].controls[0].sensitivity = sensitivity;

  const auto error = build_error(spec);

  REQUIRE(error);
  CHECK(error->key_path() == "network.edges[3].controlled_by.CHN");
  CHECK(error->mark().line == 15);
  CHECK_THAT(error->message(), Contains("sensitivity must be in [0, 1]"));
}

TEST_CASE("a duplicate transit node is rejected at its mark", "[network]") {
  NetworkSpec spec = flagship();
  add_node(spec, "TIANJIN", 7);

  const auto error = build_error(spec);

  REQUIRE(error);
  CHECK(error->key_path() == "network.nodes[4]");
  CHECK(error->mark().line == 7);
  CHECK(error->message() == "duplicate node 'TIANJIN'");
}

TEST_CASE("a transit node named like an actor is rejected at its mark", "[network]") {
  NetworkSpec spec = flagship();
  add_node(spec, "CHN", 7);

  const auto error = build_error(spec);

  REQUIRE(error);
  CHECK(error->key_path() == "network.nodes[4]");
  CHECK(error->mark().line == 7);
  CHECK_THAT(error->message(), Contains("node 'CHN' is already an actor"));
}
