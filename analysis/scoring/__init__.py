"""Exploitability scoring on the attack graph: paths, blast radius, choke points.

The public API: `ScoringConfig` (weights), `load_attack_graph` /
`attack_graph_from_records` (build the networkx graph), `top_paths` and
`ranked_paths` (Yen's k best paths), `blast_radius`, `choke_points` and
`score_findings`. `docs/scoring.md` explains the model and its weights.
"""
