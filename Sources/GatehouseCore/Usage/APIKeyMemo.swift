/// The last API key a connection presented and the key it named, so that a keep-alive client sending the same
/// `x-api-key` on every request is not hashed again each time: the presented bytes are compared with the remembered
/// ones in constant time instead. Only a value that named a configured key is remembered, and only for the table
/// (snapshot) that knew it, so a reload that changes the keys is seen on the next request.
struct APIKeyMemo: Sendable {
    let table: APIKeyTable
    let entry: APIKeyTable.Entry
}
