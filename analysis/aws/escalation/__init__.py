"""The AWS privilege-escalation catalog: one checker per published technique.

`catalog.TECHNIQUES` lists every technique with its id, title, required
actions, target kind and references; `run.derive_escalation_edges` runs them
over an `EstateView` and writes CAN_ESCALATE edges.
"""
