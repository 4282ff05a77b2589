print("nasd")
