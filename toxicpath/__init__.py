"""toxicpath: attack-path analysis for AWS, Azure and GCP estates."""

__version__ = "0.1.0"
