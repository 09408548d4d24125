"""Test-wide settings: hypothesis profiles and the torch thread count."""

import os

import torch
from hypothesis import HealthCheck, settings

# The machines are small and noisy: no per-example deadline, and in CI a fixed example sequence so a
# red build can be reproduced exactly.
settings.register_profile("dev", deadline=None, max_examples=60)
settings.register_profile("thorough", deadline=None, max_examples=2000)  # HYPOTHESIS_PROFILE=thorough
settings.register_profile(
    "ci", deadline=None, max_examples=60, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

torch.set_num_threads(min(2, torch.get_num_threads()))
