# nasd — see README.md. Every target runs from a fresh clone on a machine with Swift 6.
SWIFT ?= swift
CONFIG ?= debug
BIN = .build/$(CONFIG)/nasd

.PHONY: build release test chaos demo bench bench-full record-curves fuzz lint clean

build:
	$(SWIFT) build -c $(CONFIG)

release:
	$(SWIFT) build -c release

# The whole suite. End-to-end tests run the built binary, so build it first.
# Tests run in parallel processes (--parallel prints no summary, so .ci/test-summary prints the
# closing "N passed, N failed" line from the xUnit file).
# The demo's tests run an optimized nasd (NASD_RELEASE_BIN), as `make demo` does.
test: build
	$(SWIFT) build -c release --product nasd
	rm -f .build/xunit.xml .build/skipped.log
	NASD_BIN=$(abspath $(BIN)) NASD_RELEASE_BIN=$(abspath .build/release/nasd) NASD_SHARED=$(abspath ../shared) \
		NASD_SKIP_LOG=$(abspath .build/skipped.log) $(SWIFT) test --parallel --num-workers 2 \
		--disable-swift-testing --xunit-output .build/xunit.xml; status=$$?; \
		bash .ci/test-summary .build/xunit.xml .build/skipped.log && exit $$status

# The fault-injection scenarios at full length (docs/RELIABILITY.md, "Fault injection"); `make test`
# runs the same scenarios reduced. The full-disk scenario mounts a tmpfs, so it needs root.
chaos: build
	NASD_BIN=$(abspath $(BIN)) NASD_CHAOS=full $(SWIFT) test --filter 'ChaosTests|ResumeExactnessTests' \
		--disable-swift-testing

# The main job on the embedded default configuration, in an optimized build (the numerics of a debug
# build are 10–100× slower): MetaQNN over the surrogate with 3 local workers, live progress, a report.
demo: release
	.build/release/nasd run configs/demo.yaml --workers 3 --state-dir runs

bench: release
	NASD_BIN=$(abspath .build/release/nasd) bash bench/run
	NASD_BIN=$(abspath .build/release/nasd) bash bench/fhyperband
	.build/release/nasd-bench ack-during-fits 2
	.build/release/nasd-bench status-with-big-runs 10 10000
	.build/release/nasd-bench strategy-timing 10000
	.build/release/nasd-bench surrogate-search 20 54000
	.build/release/nasd-bench srm-fit-scaling
	bash bench/dispatch_at_scale 50 10 30 2000 4
	bash bench/dispatch_at_scale 500 1 30 2000 4
	bash bench/dispatch_at_scale 50 10 20 200 4
	NASD_BIN=$(abspath .build/release/nasd) bash bench/peephole_predict
	python3 bench/real_curves.py --nasd .build/release/nasd


# Re-records bench/data/digits-curves.jsonl (real PyTorch training; needs torch and scikit-learn).
record-curves: release
	NASD_BIN=$(abspath .build/release/nasd) bash bench/record_digits_curves.sh

# The longer measurements beside make bench: one run of 100,000 trials (issue 11 §4, about 3 minutes
# on 2 cores), the real-curve references at the paper's 1000 candidates with more seeds, the
# real-curve step on the 27- and 81-epoch files, SRM against scikit-learn on 30 splits of each real-curve
# file (three reference seeds, about 15 minutes), and f-Hyperband's sweeps (Δ, κ, d, η; the 27-epoch
# file; the 81-epoch curves over three seeds), and predictor-driven evolution against Optuna's TPE on
# NAS-Bench-201 over 100 seeds (issue 9 §5, about 20 minutes), and on its ImageNet16-120 and CIFAR-100
# columns (about 10 minutes each).
NB201_RNAS_EVOLUTION = predictor: rnas, predictor_warmup: 30, predictor_generations: 10, train_top_k: 5, predictor_pool: mutations
bench-full: release
	NASD_BIN=$(abspath .build/release/nasd) BENCH_POINTS=100000x2x4 BENCH_SLOTS=2 BENCH_OPTUNA=0 bash bench/run
	python3 bench/real_curves.py --nasd .build/release/nasd --full
	python3 bench/real_curves.py --nasd .build/release/nasd --data bench/data/digits-curves-27.jsonl
	python3 bench/real_curves.py --nasd .build/release/nasd --data bench/data/digits-curves-81.jsonl
	python3 bench/srm_splits.py --nasd .build/release/nasd
	NASD_BIN=$(abspath .build/release/nasd) FHB_SWEEP=1 FHB_SEEDS_81="1 2 3" bash bench/fhyperband
	python3 bench/nb201_strategies.py --nasd .build/release/nasd --budgets 100 --seeds 100 --seed 2000 \
		--population 20 --strategies evolution --evolution-options "$(NB201_RNAS_EVOLUTION)"
	python3 bench/nb201_strategies.py --nasd .build/release/nasd --dataset imagenet --budgets 100 --seeds 100 \
		--seed 9000 --jobs 2 --population 20 --strategies evolution --evolution-options "$(NB201_RNAS_EVOLUTION)"
	python3 bench/nb201_strategies.py --nasd .build/release/nasd --dataset cifar100 --budgets 100 --seeds 100 \
		--seed 7000 --jobs 2 --population 20 --strategies evolution --evolution-options "$(NB201_RNAS_EVOLUTION)"

# libFuzzer runs of the config reader and the protocol decoders (FUZZ_SECONDS each; docs/RELIABILITY.md).
FUZZ_SECONDS ?= 60
fuzz:
	bash Fuzz/run $(FUZZ_SECONDS)

lint:
	@if $(SWIFT) format --version >/dev/null 2>&1; then \
		$(SWIFT) format lint --recursive --strict Sources Tests; \
	else echo "swift format is not available; skipping lint"; fi

clean:
	rm -rf .build
