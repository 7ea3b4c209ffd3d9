"""skill_tools: lint, render and package Agent Skill bundles."""

__version__ = "0.1.0"
