"""Does a direct air link from 2030 leave Mongolia more autonomous once chance is let in?

The analyst's question of docs/questions.md §1, asked in Python: the baseline with and without
the US direct air link from January 2030, each as 1,000 members with the model's random events
(the same random numbers on both sides, member by member), compared on Mongolia's autonomy in
2035 and drawn month by month as median and 90% band (docs/python.md).

    /usr/bin/python3 examples/python/air_link_under_uncertainty.py   (from the repository's root)

It prints the comparison and writes out/python/air_link_under_uncertainty.png when matplotlib is
installed.
"""
import pathlib

import numpy

import steppe

baseline = steppe.load("scenarios/baseline.yaml", stochastic=True)
with_link = baseline.with_({"USA.air_link": "1@2030-01"})
sides = {"baseline": baseline.run(members=1000), "air link from 2030": with_link.run(members=1000)}

outcome = "MNG.autonomy.final"
print(f"{outcome} over 1,000 members (median, 5%-95%)")
for name, results in sides.items():
    values = results.outcomes[:, results.outcome_names.index(outcome)]
    low, median, high = numpy.quantile(values, [0.05, 0.5, 0.95])
    print(f"  {name:<20} {median:.4f}  ({low:.4f} - {high:.4f})")
before, after = (results.outcomes[:, results.outcome_names.index(outcome)] for results in sides.values())
print(f"members more autonomous with the link: {numpy.mean(after > before):.1%}")
print(f"mean gain: {numpy.mean(after - before):+.4f}")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot
except ImportError:
    print("matplotlib is not installed: no figure")
else:
    figure, axes = pyplot.subplots(figsize=(7, 4))
    for name, results in sides.items():
        bands = results.to_pandas("bands")
        autonomy = bands[(bands["actor"] == "MNG") & (bands["variable"] == "autonomy")]
        quantile = autonomy.pivot_table(index="date", columns="quantile", values="value")
        months = numpy.arange(len(quantile))
        axes.plot(months, quantile[0.5], label=name)
        axes.fill_between(months, quantile[0.05], quantile[0.95], alpha=0.25)
    ticks = numpy.arange(0, len(quantile), 24)
    axes.set_xticks(ticks, [quantile.index[tick] for tick in ticks])
    axes.set_ylabel("Mongolia's autonomy (median, 5-95%)")
    axes.legend()
    figure.tight_layout()
    out = pathlib.Path("out/python")
    out.mkdir(parents=True, exist_ok=True)
    figure.savefig(out / "air_link_under_uncertainty.png", dpi=100)
    print(f"wrote {out / 'air_link_under_uncertainty.png'}")
