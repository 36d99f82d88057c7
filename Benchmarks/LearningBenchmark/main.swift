print("learning benchmark: not yet written")
