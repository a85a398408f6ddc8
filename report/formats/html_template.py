"""The Jinja2 template of the HTML report, kept in Python to install with the code.

Markup lines stay whole so each table row reads as one line.
"""

# ruff: noqa: E501

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>toxicpath report: scan {{ data.scan_id }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .9rem; }
th, td { border: 1px solid #d0d0d0; padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f2f2f2; }
.sev-critical { background: #7a0010; color: #fff; } .sev-high { background: #c2410c; color: #fff; }
.sev-medium { background: #facc15; } .sev-low { background: #dbeafe; } .sev-info { background: #eee; }
.not-evaluated { background: #fff4e5; } .muted { color: #666; }
code { font-size: .85rem; word-break: break-all; }
.badge { padding: .1rem .4rem; border-radius: .3rem; font-size: .8rem; }
</style>
</head>
<body>
<h1>toxicpath report</h1>
<p>Scan <code>{{ data.scan_id }}</code> ({{ data.scan_kind }}) of {{ data.scan_created_at }};
generated {{ data.generated_at }} by toxicpath {{ data.tool_version }}.
{% if data.baseline %}Compared with baseline <code>{{ data.baseline }}</code>.{% endif %}</p>

<h2>Summary</h2>
<table>
<tr>{% for severity, count in counts.items() %}<th class="sev-{{ severity }}">{{ severity }}</th>{% endfor %}
<th>open total</th><th>accepted or suppressed</th><th>new</th></tr>
<tr>{% for severity, count in counts.items() %}<td>{{ count }}</td>{% endfor %}
<td>{{ data.open_findings | length }}</td><td>{{ data.accepted | length }}</td><td>{{ new_count }}</td></tr>
</table>

<h2>Scan coverage</h2>
{% if data.coverage is none %}
<p class="not-evaluated">Coverage unknown: the scan's snapshot was not kept, so this report
cannot list which accounts, regions and services were read.</p>
{% else %}
<p>{{ data.coverage | length }} account, region and service combinations;
{{ not_evaluated | length }} not evaluated.</p>
<table>
<tr><th>Cloud</th><th>Account</th><th>Regions</th><th>Services evaluated</th><th>Not evaluated</th></tr>
{% for row in account_rows %}
<tr{% if row.not_evaluated %} class="not-evaluated"{% endif %}><td>{{ row.cloud }}</td><td>{{ row.account }}</td><td>{{ row.regions }}</td>
<td>{{ row.evaluated }}</td><td>{{ row.not_evaluated }}</td></tr>
{% endfor %}
</table>
<h3>Every account, region and service</h3>
<table>
<tr><th>Cloud</th><th>Account</th><th>Region</th><th>Service</th><th>Status</th><th>Reason</th></tr>
{% for row in coverage_rows %}
<tr{% if not row.evaluated %} class="not-evaluated"{% endif %}>
<td>{{ row.cloud }}</td><td>{{ row.account }}</td><td>{{ row.region }}</td><td>{{ row.service }}</td>
<td>{% if row.evaluated %}evaluated{% else %}not evaluated ({{ row.status }}){% endif %}</td>
<td>{{ row.reason }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% if data.rule_failures %}
<p class="not-evaluated">Rules not evaluated:</p>
<ul>{% for rule_id, error in data.rule_failures %}<li><code>{{ rule_id }}</code>: {{ error }}</li>{% endfor %}</ul>
{% endif %}

<h2>Findings</h2>
{% if not findings %}<p>No findings.</p>{% else %}
<table>
<tr><th>Severity</th><th>Title</th><th>Resource</th><th>Status</th><th>Risk</th></tr>
{% for finding in findings %}
<tr><td class="sev-{{ finding.severity }}">{{ finding.severity }}</td><td><a href="#f-{{ finding.fingerprint }}">{{ finding.title }}</a></td>
<td>{{ finding.resource_name or finding.resource_id }}</td><td>{{ finding.status }}</td><td>{{ '%.2f' | format(finding.risk_score) }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% for finding in findings %}
{% set rule = data.rules.get(finding.rule_id) %}
<h3 id="f-{{ finding.fingerprint }}"><span class="badge sev-{{ finding.severity }}">{{ finding.severity }}</span>
{{ finding.title }}{% if data.is_new(finding) %} <span class="badge sev-info">new</span>{% endif %}</h3>
<table>
<tr><th>Resource</th><td><code>{{ finding.resource_id }}</code>
{% if finding.resource_name %}({{ finding.resource_name }}){% endif %}</td></tr>
<tr><th>Rule</th><td><code>{{ finding.rule_id }}</code></td></tr>
<tr><th>Status</th><td>{{ finding.status }}{% if finding.status_reason %}: {{ finding.status_reason }}{% endif %}</td></tr>
<tr><th>Risk score</th><td>{{ '%.2f' | format(finding.risk_score) }}</td></tr>
{% if finding.path %}<tr><th>Attack path</th><td><ol>
{% for node_id in finding.path.node_ids %}<li>{% if not loop.first %}<em>{{ finding.path.edge_types[loop.index0 - 1] }}</em> {% endif %}{{ data.node_label(node_id) }} <code class="muted">{{ node_id }}</code></li>{% endfor %}
</ol></td></tr>{% endif %}
{% if finding.evidence %}<tr><th>Evidence</th><td><ul>
{% for key, value in finding.evidence.items() %}<li><strong>{{ key }}</strong>: <code>{{ value }}</code></li>{% endfor %}
</ul></td></tr>{% endif %}
{% if rule %}<tr><th>Remediation</th><td>{{ rule.remediation }}</td></tr>{% endif %}
<tr><th>Fingerprint</th><td><code>{{ finding.fingerprint }}</code></td></tr>
</table>
{% endfor %}

<h2>Accepted risks</h2>
{% if not data.accepted %}<p>No accepted or suppressed findings.</p>{% else %}
<table>
<tr><th>Rule</th><th>Resource</th><th>Status</th><th>Owner</th><th>Review date</th><th>Justification</th><th>Compensating control</th></tr>
{% for risk in data.accepted %}
<tr><td><code>{{ risk.rule_id }}</code></td><td><code>{{ risk.resource_id }}</code></td><td>{{ risk.status }}</td>
<td>{{ risk.owner }}</td><td>{{ risk.review_date }}</td><td>{{ risk.justification }}</td><td>{{ risk.compensating_control }}</td></tr>
{% endfor %}
</table>{% endif %}

<h2>Compliance summary</h2>
<table>
<tr><th>Framework</th><th>Version</th><th>Pass</th><th>Fail</th><th>Not evaluated</th></tr>
{% for row in data.compliance %}
<tr><td>{{ row.name }}</td><td>{{ row.version }}</td><td>{{ row.passed }}</td><td>{{ row.failed }}</td><td>{{ row.not_evaluated }}</td></tr>
{% endfor %}
</table>

<h2>Trend across scans</h2>
{% if not data.trend %}<p>No scans recorded in the history yet.</p>{% else %}
<table>
<tr><th>Scan</th><th>Time</th>{% for severity in severities %}<th>{{ severity }}</th>{% endfor %}<th>Open total</th><th>Paths to admin</th></tr>
{% for point in data.trend %}
<tr><td><code>{{ point.scan_id }}</code></td><td>{{ point.created_at }}</td>
{% for severity in severities %}<td>{{ point.open_by_severity.get(severity, 0) }}</td>{% endfor %}
<td>{{ point.open_total }}</td><td>{{ point.paths_to_admin }}</td></tr>
{% endfor %}
</table>{% endif %}
</body>
</html>
"""
