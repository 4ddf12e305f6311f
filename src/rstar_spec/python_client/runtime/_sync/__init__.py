"""The sync flows: made from _async/ by unasync (`rstar-spec unasync`); do not edit."""
