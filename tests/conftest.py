"""Shared test configuration: the plugins every test package may use."""

pytest_plugins = ["tests.pg"]
