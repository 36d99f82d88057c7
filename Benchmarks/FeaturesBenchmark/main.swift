print("features benchmark: not yet written")
