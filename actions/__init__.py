"""Custom actions of verkoopcoach: rule-based sales coaching from YAML advice."""
