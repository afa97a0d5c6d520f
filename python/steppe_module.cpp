// The compiled half of the `steppe` Python package (`steppe._steppe`; python/steppe/__init__.py is
// the half people call, docs/python.md the guide): a thin face over the application layer. A
// scenario loads through app::validate, runs through app::prepare_run and app::run, steps through
// the engine's Simulation as the wargame does; this file only turns their results into NumPy
// arrays and their errors into Python exceptions, and lets Ctrl-C stop a run.
//
// Arrays are handed over without copying where the engine's layout allows (an ensemble's outcomes
// and inputs: members × columns, column-major, kept alive by the result); trajectories and bands
// are gathered once into arrays of their own.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "app/describe.hpp"
#include "app/json.hpp"
#include "app/studies.hpp"
#include "app/sweeps.hpp"
#include "app/what_if.hpp"
#include "engine/errors.hpp"
#include "engine/io/ensemble_results.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/io/sweep_arrays.hpp"
#include "engine/simulation.hpp"

namespace py = pybind11;

namespace steppe::python {

namespace {

// A scenario file with the changes made to it, loaded and checked: what `steppe.load` returns.
struct LoadedScenario {
  std::string file;
  LoadOptions load;
  std::shared_ptr<const Scenario> scenario;
};

// Changes as the command line's --set, --jump and --event take them, each parsed as the CLI
// parses it (an InputError underlines the wrong part).
std::vector<Override> parsed_changes(const std::vector<std::string>& sets, const std::vector<std::string>& jumps,
                                     const std::vector<std::string>& events) {
  std::vector<Override> changes;
  for (const std::string& text : sets) changes.push_back(parse_override(text));
  for (const std::string& text : jumps) changes.push_back(parse_jump(text));
  for (const std::string& text : events) changes.push_back(parse_event(text));
  return changes;
}

LoadedScenario load(const std::string& file, const std::vector<std::string>& sets,
                    const std::vector<std::string>& jumps, const std::vector<std::string>& events,
                    std::optional<int> months, std::optional<std::uint64_t> seed, std::optional<bool> stochastic) {
  LoadOptions options{
      .overrides = parsed_changes(sets, jumps, events), .months = months, .seed = seed, .stochastic = stochastic};
  return {file, options, app::validate(file, options)};
}

LoadedScenario with_changes(const LoadedScenario& base, const std::vector<std::string>& sets,
                            const std::vector<std::string>& jumps, const std::vector<std::string>& events) {
  LoadOptions options = base.load;
  for (Override& change : parsed_changes(sets, jumps, events)) options.overrides.push_back(std::move(change));
  return {base.file, options, app::validate(base.file, options)};
}

// The state slots people see (internal bookkeeping left out, as trajectories.csv leaves it out).
std::vector<int> visible_slots(const Layout& layout) {
  std::vector<int> slots;
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot)
    if (!layout.state()[slot].decl->internal) slots.push_back(static_cast<int>(slot));
  return slots;
}

std::vector<std::string> dates(const Scenario& scenario) {
  std::vector<std::string> texts;
  for (int month = 0; month <= scenario.months; ++month) texts.push_back(scenario.date(month).to_string());
  return texts;
}

py::dict scenario_info(const LoadedScenario& loaded) {
  const Scenario& scenario = *loaded.scenario;
  const Layout& layout = *scenario.layout;
  py::dict info;
  info["file"] = loaded.file;
  info["title"] = scenario.title;
  info["description"] = scenario.description;
  info["model"] = scenario.model_name;
  info["start"] = scenario.start.to_string();
  info["months"] = scenario.months;
  info["seed"] = scenario.seed;
  info["stochastic"] = scenario.stochastic;
  info["content_hash"] = scenario.content_hash;
  info["changes"] = scenario.changes;
  std::vector<std::string> actors, variables, levers, outcomes, uncertainties;
  for (const Actor& actor : layout.actors()) actors.push_back(actor.name);
  for (int slot : visible_slots(layout)) variables.push_back(layout.state_name(slot));
  for (std::size_t slot = 0; slot < layout.levers().size(); ++slot)
    levers.push_back(layout.lever_name(static_cast<int>(slot)));
  for (const OutcomeSpec& outcome : scenario.outcomes) outcomes.push_back(outcome.name);
  for (const Uncertainty& uncertainty : scenario.uncertainties) uncertainties.push_back(uncertainty.name);
  info["actors"] = actors;
  info["variables"] = variables;
  info["levers"] = levers;
  info["outcomes"] = outcomes;
  info["uncertainties"] = uncertainties;
  return info;
}

// A NumPy view of a column-major members × columns table owned by `owner`: no copy.
template <class Owner>
py::array_t<double> column_major_view(const MemberArrays& table, std::shared_ptr<Owner> owner) {
  auto* keep = new std::shared_ptr<Owner>(std::move(owner));
  py::capsule base(keep, [](void* pointer) { delete static_cast<std::shared_ptr<Owner>*>(pointer); });
  const auto row_stride = static_cast<py::ssize_t>(sizeof(double));
  const auto column_stride = static_cast<py::ssize_t>(sizeof(double)) * table.rows();
  return py::array_t<double>({table.rows(), table.cols()}, {row_stride, column_stride}, table.data(), base);
}

// Every month's visible state, months × members × variables, gathered from per-month arrays
// (members × slots each) in one copy; each month's array is released once copied.
py::array_t<double> gathered_trajectories(std::vector<MemberArrays>& months, const std::vector<int>& slots) {
  const auto members = months.empty() ? Eigen::Index{0} : months.front().rows();
  // Stored months × variables × members, so that each slot's column is one copy; shown as
  // months × members × variables through its strides.
  py::array_t<double> gathered({static_cast<py::ssize_t>(months.size()), static_cast<py::ssize_t>(slots.size()),
                                static_cast<py::ssize_t>(members)});
  double* out = gathered.mutable_data();
  {
    py::gil_scoped_release released;  // a large ensemble's trajectories take a while to copy
    for (MemberArrays& month : months) {
      for (int slot : slots) {
        std::memcpy(out, month.col(slot).data(), sizeof(double) * static_cast<std::size_t>(members));
        out += members;
      }
      month = MemberArrays();
    }
  }
  return gathered.attr("transpose")(0, 2, 1);
}

// A run's results, kept whole so that the arrays handed out can be views of it.
struct RunResults {
  app::RunResult result;
  std::vector<int> slots;  // the visible state slots
  py::object trajectories = py::none();
};

// Calls `work(cancel, done)` with the GIL released: a long one on a worker thread, while this
// thread, every 50 ms, passes what `work` counts as done to `progress` (when given) and checks
// for signals. Ctrl-C (a KeyboardInterrupt, or whatever a handler raises), or an exception from
// `progress`, sets `cancel`, which `work` sees between its blocks, and is raised here once the
// workers have stopped.
template <class Work>
auto interruptibly(const Work& work, const py::object& progress) {
  using Result = std::invoke_result_t<const Work&, const std::atomic<bool>&, std::atomic<std::int64_t>&>;
  std::atomic<bool> cancel{false};
  std::atomic<std::int64_t> done{0};
  std::optional<Result> result;
  std::exception_ptr failure;
  std::optional<py::error_already_set> interruption;
  {
    py::gil_scoped_release released;
    std::promise<void> finished_promise;
    std::future<void> finished = finished_promise.get_future();
    std::thread worker([&] {
      try {
        result.emplace(work(cancel, done));
      } catch (...) {
        failure = std::current_exception();
      }
      finished_promise.set_value();
    });
    std::int64_t reported = 0;
    while (finished.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
      py::gil_scoped_acquire acquired;
      try {
        if (!progress.is_none() && done != reported) progress(reported = done);
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      } catch (py::error_already_set& error) {
        interruption.emplace(std::move(error));
        cancel = true;
        break;
      }
    }
    worker.join();
  }
  if (interruption) throw std::move(*interruption);
  if (failure) std::rethrow_exception(failure);
  if (!progress.is_none()) progress(done.load());
  return std::move(*result);
}

// Runs `prepared` without the GIL; an ensemble interruptibly, counting members.
app::RunResult run_interruptibly(const app::PreparedRun& prepared, const py::object& progress) {
  if (prepared.ensemble.members == 1) {
    py::gil_scoped_release released;
    return app::run(prepared);  // one member: milliseconds
  }
  return interruptibly(
      [&](const std::atomic<bool>& cancel, std::atomic<std::int64_t>& done) {
        return app::run(prepared, {.progress = [&](std::int64_t members) { done = members; }, .cancel = &cancel});
      },
      progress);
}

std::shared_ptr<RunResults> run(const LoadedScenario& loaded, std::int64_t members, int threads,
                                std::optional<int> months, std::optional<std::uint64_t> seed, bool keep_trajectories,
                                bool all_bands, bool confirmed, const py::object& progress) {
  app::RunRequest request{.scenario = loaded.file,
                          .load = loaded.load,
                          .ensemble = {.members = members,
                                       .threads = threads,
                                       .keep_trajectories = keep_trajectories,
                                       .bands = all_bands ? BandSelection::all : BandSelection::reported,
                                       .confirmed = confirmed},
                          .trajectories_file = false};
  if (months) request.load.months = months;
  if (seed) request.load.seed = seed;
  // An ensemble draws unless the scenario was loaded with stochastic=False (--deterministic).
  request.load.draw_unless_told(members > 1);
  // Other months, another seed or randomness are a scenario loaded anew, as the command line's
  // flags load it.
  const bool anew = months || seed || request.load.stochastic != loaded.load.stochastic;
  const app::PreparedRun prepared = anew ? app::prepare_run(request) : app::prepare_run(request, loaded.scenario);
  auto results = std::make_shared<RunResults>(RunResults{.result = run_interruptibly(prepared, progress)});
  results->slots = visible_slots(*results->result.scenario().layout);
  if (results->result.cancelled()) throw std::logic_error("an ensemble was cancelled without an interruption");
  if (results->result.run)
    results->trajectories = gathered_trajectories(results->result.run->months, results->slots);
  else if (!results->result.ensemble->trajectories.empty())
    results->trajectories = gathered_trajectories(results->result.ensemble->trajectories, results->slots);
  return results;
}

py::array_t<double> outcomes(const std::shared_ptr<RunResults>& results) {
  const app::RunResult& result = results->result;
  if (result.ensemble) return column_major_view(result.ensemble->outcomes, results);
  py::array_t<double> values({py::ssize_t{1}, static_cast<py::ssize_t>(result.run->outcomes.size())});
  std::copy(result.run->outcomes.begin(), result.run->outcomes.end(), values.mutable_data());
  return values;
}

// Each member's draws of the scenario's uncertainties (members × uncertainties); a single run has none.
py::object inputs(const std::shared_ptr<RunResults>& results) {
  const app::RunResult& result = results->result;
  if (!result.ensemble) return py::none();
  return column_major_view(result.ensemble->inputs, results);
}

const std::vector<OutcomeSpec>& outcome_specs(const app::RunResult& result) {
  return result.ensemble ? result.ensemble->outcome_specs : result.run->outcome_specs;
}

// An ensemble's bands: months × banded variables × (the quantiles of `band_levels`, then the mean).
py::object bands(const RunResults& results) {
  const app::RunResult& result = results.result;
  if (!result.ensemble) return py::none();
  const EnsembleResult& ensemble = *result.ensemble;
  const int months = result.scenario().months;
  constexpr std::size_t statistics = std::size(band_levels) + 1;
  py::array_t<double> values({static_cast<py::ssize_t>(months + 1),
                              static_cast<py::ssize_t>(ensemble.band_slots.size()),
                              static_cast<py::ssize_t>(statistics)});
  double* out = values.mutable_data();
  for (int month = 0; month <= months; ++month)
    for (std::size_t position = 0; position < ensemble.band_slots.size(); ++position) {
      for (double level : band_levels) *out++ = ensemble.bands.quantile(month, static_cast<int>(position), level);
      *out++ = ensemble.means.mean(month, position, ensemble.members);
    }
  return values;
}

py::list outcome_statistics(const app::RunResult& result) {
  py::list rows;
  for (std::size_t index = 0; index < result.statistics.size(); ++index) {
    const OutcomeStatistics& s = result.statistics[index];
    py::dict row;
    row["outcome"] = result.ensemble->outcome_specs[index].name;
    row["mean"] = s.mean;
    row["sd"] = s.sd;
    row["q05"] = s.q05;
    row["q25"] = s.q25;
    row["median"] = s.median;
    row["q75"] = s.q75;
    row["q95"] = s.q95;
    row["members_with_value"] = s.members_with_value;
    row["members_without_value"] = s.members_without_value;
    rows.append(row);
  }
  return rows;
}

// `steppe sweep FILE`: the sweep run into its database (or `database`), interruptibly, counting
// runs; an interrupted sweep keeps what it committed and finishes with resume=True. With
// `changed`, its scenario gets that scenario's changes (settings, months, seed), as the command
// line's flags give them.
py::dict sweep(const std::string& file, const LoadedScenario* changed, const std::string& database, bool resume,
               int threads, const py::object& progress) {
  const app::PreparedSweep prepared = app::prepare_sweep({.file = file,
                                                          .load = changed ? changed->load : LoadOptions{},
                                                          .database = database,
                                                          .resume = resume,
                                                          .threads = threads,
                                                          .version = STEPPE_VERSION,
                                                          .command = "steppe.sweep(" + file + ")",
                                                          .resume_command = "steppe sweep " + file});
  const SweepReport report = interruptibly(
      [&](const std::atomic<bool>& cancel, std::atomic<std::int64_t>& done) {
        return app::run_sweep(prepared,
                              {.progress = [&](std::int64_t runs, std::int64_t) { done = runs; }, .cancel = &cancel});
      },
      progress);
  py::dict found;
  found["database"] = prepared.sweep.database.string();
  found["points"] = report.points;
  found["runs"] = report.runs;
  found["already_done"] = report.already_done;
  found["ran"] = report.ran;
  return found;
}

py::array_t<double> copied(const Eigen::MatrixXd& table) {
  py::array_t<double, py::array::f_style> values({table.rows(), table.cols()});
  std::copy(table.data(), table.data() + table.size(), values.mutable_data());
  return values;
}

// A sweep database's design and outcomes, as the analyses read them (engine/io/sweep_arrays.hpp).
py::dict sweep_arrays(const std::string& database, bool allow_unfinished) {
  const SweepArrays arrays = read_sweep_arrays(SweepDatabase::open(database), allow_unfinished);
  py::dict found;
  found["file"] = arrays.stored.file;
  found["design"] = arrays.stored.design;
  found["replicates"] = arrays.stored.replicates;
  found["factors"] = arrays.stored.factors;
  found["outcome_names"] = arrays.stored.outcomes;
  found["policies"] = arrays.policies;
  found["policy_levers"] = arrays.stored.policies;  // JSON {name: {lever: value}}, "" without policies
  found["values"] = copied(arrays.values);
  found["run_point"] = arrays.run_point;
  found["outcomes"] = copied(arrays.outcomes);
  std::vector<int> point_policy;
  for (const PointRole& role : arrays.roles) point_policy.push_back(role.policy);
  found["point_policy"] = point_policy;
  std::vector<int> point_base;
  for (const PointRole& role : arrays.roles) point_base.push_back(role.base);
  found["point_base"] = point_base;
  return found;
}

// `steppe analyze DATABASE --json`, as its JSON text.
std::string analyze(const std::string& database, const std::vector<std::string>& outcomes, double confidence,
                    int resamples, std::uint64_t seed, int threads) {
  py::gil_scoped_release released;
  return app::json::analysis(
             app::analyze(
                 {.database = database,
                  .analysis = {.confidence = {confidence, resamples, seed}, .outcomes = outcomes, .convergence = true},
                  .threads = threads}))
      .dump();
}

// `steppe discover SOURCE --where CONDITION --json`, as its JSON text.
std::string discover(const std::string& source, const std::string& where, const std::vector<std::string>& inputs,
                     int box, double peel_alpha, double mass_min, int resamples, std::uint64_t seed) {
  py::gil_scoped_release released;
  return app::json::discovery(app::discover({.source = source,
                                             .where = where,
                                             .inputs = inputs,
                                             .box = box,
                                             .prim = {.peel_alpha = peel_alpha, .mass_min = mass_min},
                                             .resamples = resamples,
                                             .seed = seed}))
      .dump();
}

// A stepped run, as the wargame drives one: a block of members under the scenario's policies,
// with levers held by hand.
struct SteppedRun {
  std::shared_ptr<const Scenario> scenario;
  std::unique_ptr<Simulation> simulation;
  std::vector<int> slots;  // the visible state slots
};

std::unique_ptr<SteppedRun> simulation(const LoadedScenario& loaded, std::int64_t members) {
  if (members < 1) throw InputError({"<python>"}, "members", fmt::format("must be at least 1, not {}", members));
  auto stepped = std::make_unique<SteppedRun>();
  stepped->scenario = loaded.scenario;
  stepped->simulation = std::make_unique<Simulation>(loaded.scenario, RunOptions{.members = members});
  stepped->slots = visible_slots(*loaded.scenario->layout);
  return stepped;
}

// The lever slot named "ACTOR.lever"; InputError with "did you mean" for an unknown name.
int lever_slot(const Layout& layout, const std::string& name) {
  const auto dot = name.find('.');
  const int slot = dot == std::string::npos ? -1 : layout.lever_index(name.substr(0, dot), name.substr(dot + 1));
  if (slot < 0) throw InputError({"<python>"}, name, unknown_name_message("lever", name, layout.lever_names()));
  return slot;
}

py::array_t<double> visible_state(const SteppedRun& stepped) {
  const MemberArrays& state = stepped.simulation->state();
  py::array_t<double> values({static_cast<py::ssize_t>(state.rows()), static_cast<py::ssize_t>(stepped.slots.size())});
  auto out = values.mutable_unchecked<2>();
  for (std::size_t column = 0; column < stepped.slots.size(); ++column)
    for (Eigen::Index member = 0; member < state.rows(); ++member)
      out(member, static_cast<py::ssize_t>(column)) = state(member, stepped.slots[column]);
  return values;
}

py::array_t<double> copied(const MemberArrays& table) {
  py::array_t<double, py::array::f_style> values({table.rows(), table.cols()});
  std::memcpy(values.mutable_data(), table.data(), sizeof(double) * static_cast<std::size_t>(table.size()));
  return values;
}

}  // namespace

}  // namespace steppe::python

PYBIND11_MODULE(_steppe, module) {
  using namespace steppe;
  using namespace steppe::python;
  module.doc() = "The compiled half of the steppe package; call it through `import steppe`.";

  // InputError: a ValueError carrying where the input is wrong, with the message the CLI prints.
  static py::exception<InputError> input_error(module, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const InputError& error) {
      py::object raised = py::reinterpret_borrow<py::object>(input_error)(error.what());
      raised.attr("file") = error.mark().file;
      raised.attr("line") = error.mark().line;
      raised.attr("column") = error.mark().column;
      raised.attr("key_path") = error.key_path();
      raised.attr("message") = error.message();
      PyErr_SetObject(input_error.ptr(), raised.ptr());
    }
  });

  py::class_<LoadedScenario>(module, "LoadedScenario")
      .def_readonly("file", &LoadedScenario::file)
      .def("info", &scenario_info)
      .def("with_changes", &with_changes, py::arg("sets"), py::arg("jumps"), py::arg("events"))
      .def("declaration_json",
           [](const LoadedScenario& loaded) {
             return app::json::declaration(loaded.scenario->layout->declaration()).dump();
           })
      .def("run", &run, py::arg("members"), py::arg("threads"), py::arg("months"), py::arg("seed"),
           py::arg("keep_trajectories"), py::arg("all_bands"), py::arg("confirmed"), py::arg("progress"))
      .def("simulation", &simulation, py::arg("members"));

  module.def("load", &load, py::arg("file"), py::arg("sets"), py::arg("jumps"), py::arg("events"), py::arg("months"),
             py::arg("seed"), py::arg("stochastic"));
  module.def("describe_model",
             [](const std::string& name) { return app::json::declaration(app::describe_model(name)).dump(); });
  module.def("models", [] { return app::json::models(app::list_models()).dump(); });

  module.def("sweep", &sweep, py::arg("file"), py::arg("changed"), py::arg("database"), py::arg("resume"),
             py::arg("threads"), py::arg("progress"));
  module.def("sweep_arrays", &sweep_arrays, py::arg("database"), py::arg("allow_unfinished"));
  module.def("analyze", &analyze, py::arg("database"), py::arg("outcomes"), py::arg("confidence"), py::arg("resamples"),
             py::arg("seed"), py::arg("threads"));
  module.def("discover", &discover, py::arg("source"), py::arg("where"), py::arg("inputs"), py::arg("box"),
             py::arg("peel_alpha"), py::arg("mass_min"), py::arg("resamples"), py::arg("seed"));

  py::class_<RunResults, std::shared_ptr<RunResults>>(module, "RunResults")
      .def_property_readonly("members",
                             [](const RunResults& r) { return r.result.ensemble ? r.result.ensemble->members : 1; })
      .def_property_readonly("dates", [](const RunResults& r) { return dates(r.result.scenario()); })
      .def_property_readonly("variables",
                             [](const RunResults& r) {
                               const Layout& layout = *r.result.scenario().layout;
                               std::vector<std::pair<std::string, std::string>> names;
                               for (int slot : r.slots)
                                 names.emplace_back(layout.state()[slot].actor, layout.state()[slot].variable);
                               return names;
                             })
      .def_readonly("trajectories", &RunResults::trajectories)
      .def_property_readonly("band_variables",
                             [](const RunResults& r) {
                               std::vector<std::pair<std::string, std::string>> names;
                               if (!r.result.ensemble) return names;
                               const Layout& layout = *r.result.scenario().layout;
                               for (int slot : r.result.ensemble->band_slots)
                                 names.emplace_back(layout.state()[slot].actor, layout.state()[slot].variable);
                               return names;
                             })
      .def_property_readonly(
          "band_levels",
          [](const RunResults&) { return std::vector<double>(std::begin(band_levels), std::end(band_levels)); })
      .def_property_readonly("bands", &bands)
      .def_property_readonly("outcome_names",
                             [](const RunResults& r) {
                               std::vector<std::string> names;
                               for (const OutcomeSpec& spec : outcome_specs(r.result)) names.push_back(spec.name);
                               return names;
                             })
      .def_property_readonly("outcome_is_date",
                             [](const RunResults& r) {
                               std::vector<bool> dated;
                               for (const OutcomeSpec& spec : outcome_specs(r.result)) dated.push_back(spec.is_month());
                               return dated;
                             })
      .def_property_readonly("outcomes", &outcomes)
      .def_property_readonly("input_names",
                             [](const RunResults& r) {
                               std::vector<std::string> names;
                               for (const Uncertainty& input : r.result.scenario().uncertainties)
                                 names.push_back(input.name);
                               return names;
                             })
      .def_property_readonly("inputs", &inputs)
      .def_property_readonly("statistics", [](const RunResults& r) { return outcome_statistics(r.result); })
      .def_property_readonly("warnings", [](const RunResults& r) { return r.result.warnings; })
      .def_property_readonly("seed", [](const RunResults& r) { return r.result.scenario().seed; })
      .def_property_readonly("content_hash", [](const RunResults& r) { return r.result.scenario().content_hash; });

  py::class_<SteppedRun>(module, "SteppedRun")
      .def("step",
           [](SteppedRun& stepped, int months) {
             py::gil_scoped_release released;
             for (int month = 0; month < months && !stepped.simulation->finished(); ++month) stepped.simulation->step();
           })
      .def("set_lever",
           [](SteppedRun& stepped, const std::string& name, double value) {
             const Layout& layout = stepped.simulation->layout();
             const int slot = lever_slot(layout, name);
             const LeverDecl& lever = *layout.levers()[slot].decl;
             // As the loader words a setting out of range (the engine's own check words it for programmers).
             if (!(value >= lever.min && value <= lever.max))
               throw InputError({"<python>"}, name,
                                fmt::format("{} is outside the lever's range [{}, {}]", value, lever.min, lever.max));
             stepped.simulation->set_lever(slot, value);
           })
      .def("clear_lever",
           [](SteppedRun& stepped, const std::string& name) {
             stepped.simulation->clear_lever(lever_slot(stepped.simulation->layout(), name));
           })
      .def_property_readonly("month", [](const SteppedRun& stepped) { return stepped.simulation->month(); })
      .def_property_readonly("finished", [](const SteppedRun& stepped) { return stepped.simulation->finished(); })
      .def_property_readonly("members", [](const SteppedRun& stepped) { return stepped.simulation->members(); })
      .def_property_readonly(
          "date",
          [](const SteppedRun& stepped) { return stepped.scenario->date(stepped.simulation->month()).to_string(); })
      .def_property_readonly("variables",
                             [](const SteppedRun& stepped) {
                               std::vector<std::string> names;
                               for (int slot : stepped.slots)
                                 names.push_back(stepped.scenario->layout->state_name(slot));
                               return names;
                             })
      .def_property_readonly("lever_names",
                             [](const SteppedRun& stepped) {
                               const Layout& layout = *stepped.scenario->layout;
                               std::vector<std::string> names;
                               for (std::size_t slot = 0; slot < layout.levers().size(); ++slot)
                                 names.push_back(layout.lever_name(static_cast<int>(slot)));
                               return names;
                             })
      .def_property_readonly("state", &visible_state)
      .def_property_readonly("levers", [](const SteppedRun& stepped) { return copied(stepped.simulation->levers()); });
}
