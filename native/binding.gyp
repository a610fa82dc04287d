{
  "targets": [
    {
      "target_name": "thump_udp",
      "sources": ["udp_recv.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [["OS!='linux'", {"type": "none"}]]
    }
  ]
}
