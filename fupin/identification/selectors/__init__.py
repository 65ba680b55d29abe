from fupin.identification.selectors.policy import (
    latest_policy_year,
    policies_for_regions,
    policy_for,
    policy_history,
)

__all__ = ["latest_policy_year", "policies_for_regions", "policy_for", "policy_history"]
