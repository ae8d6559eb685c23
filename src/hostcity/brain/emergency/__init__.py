"""Emergency response: signal pre-emption for emergency vehicles and its evaluation."""

from hostcity.brain.emergency.planner import (
    Approach,
    PlanParams,
    green_phase_index,
    lead_time_s,
    should_preempt,
    transition_states,
)

__all__ = [
    "Approach",
    "PlanParams",
    "green_phase_index",
    "lead_time_s",
    "should_preempt",
    "transition_states",
]
