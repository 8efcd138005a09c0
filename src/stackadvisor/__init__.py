"""stackadvisor: a grounded, offline advisor for choosing a backend language."""
