print("sentinel")
