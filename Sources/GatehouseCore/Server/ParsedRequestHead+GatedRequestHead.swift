/// An HTTP/1.1 head is read by the pipeline in place (`ParsedRequestHead+Lookup`).
extension ParsedRequestHead: GatedRequestHead {}
