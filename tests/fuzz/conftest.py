"""tests/fuzz: the fuzz campaigns (see docs/reliability.md).

Two budgets:

* CI (the default): deterministic (`derandomize=True` for Hypothesis, fixed
  seeds for the mutation and byte campaigns), a few thousand cases in all,
  under ~3 minutes on a 2-core machine;
* a long campaign: ``FLOWC_FUZZ=long python -m pytest tests/fuzz`` --
  randomized, ~50x more cases; ``FLOWC_FUZZ_EXAMPLES=N`` sets the number of
  examples of each Hypothesis test, ``FLOWC_FUZZ_SEED=S`` reseeds the
  mutation and byte campaigns, ``FLOWC_FUZZ_SCALE=F`` scales their budget.

The profiles are applied per test (`fuzz_settings`), never loaded globally,
so the other suites keep their own Hypothesis settings.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

#: No `explain` phase: it writes patch files under .hypothesis/.
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink)
_HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large,
           HealthCheck.large_base_example]

settings.register_profile(
    "flowc-fuzz-ci", deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=_HEALTH, phases=_PHASES)
settings.register_profile(
    "flowc-fuzz-long", deadline=None, derandomize=False, database=None, print_blob=True,
    suppress_health_check=_HEALTH, phases=_PHASES,
    max_examples=int(os.environ.get("FLOWC_FUZZ_EXAMPLES", "20000")))
