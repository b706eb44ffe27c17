// Classifies JSON-RPC error messages the way ethers v6 does for eth_sendRawTransaction (JsonRpcProvider.getRpcError):
// reads one JSON string per line on stdin, prints the ethers error code for each on stdout, in order.
const path = require("path");
const ethers = require(path.join(process.argv[2], "tools", "node_modules", "ethers"));

const provider = new ethers.JsonRpcProvider("http://127.0.0.1:9", ethers.Network.from(1337), { staticNetwork: true });
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
for (const line of lines) {
    const message = JSON.parse(line);
    const payload = { method: "eth_sendRawTransaction", params: ["0x00"], id: 1, jsonrpc: "2.0" };
    const error = provider.getRpcError(payload, { id: 1, error: { code: -32000, message } });
    console.log(error.code);
}
provider.destroy();
