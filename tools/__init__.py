"""Project tools for trainers and the team: checks, evaluation, benchmarks."""
