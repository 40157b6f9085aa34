"""A2A (Agent2Agent protocol v1.0, lf.a2a.v1) for the agents: a task is a trip request.

Each agent serves `A2AService` beside its own service, through the a2a-sdk's gRPC
handler and task machinery; this package holds what they share: reading a request
from a message (a data part, or plain text by an offline parser), the executor that
turns a skill's work into task states and an artifact, and the agent card.
"""
