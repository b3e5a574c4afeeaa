"""roomwatch configuration: the schema, the loader and the shipped defaults."""

from config.loader import ConfigError, ConfigIssue, load_config, load_config_text
from config.schema import Config

__all__ = ["Config", "ConfigError", "ConfigIssue", "load_config", "load_config_text"]
