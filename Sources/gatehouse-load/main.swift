print("gatehouse-load")
