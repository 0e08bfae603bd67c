using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CpanBridge.Cli;

/// <summary>A minimal synchronous client for the operator commands (ping, status, metrics).</summary>
internal sealed class CliClient : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;
    private long _nextId;

    private CliClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Connects, or returns null with the reason (no socket, refused, permission).</summary>
    public static CliClient? TryConnect(string socketPath, out string? reason)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            reason = null;
            return new CliClient(socket);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            reason = e.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported => $"no socket at {socketPath}",
                SocketError.ConnectionRefused => $"nothing listens on {socketPath}",
                SocketError.AccessDenied => $"permission denied on {socketPath}",
                _ => $"{socketPath}: {e.Message}",
            };
            if (!File.Exists(socketPath)) reason = $"no socket at {socketPath}";
            return null;
        }
    }

    /// <summary>Sends all requests at once (pipelined) and returns the responses in order.</summary>
    public JsonObject[] CallMany(params (string Module, string Function)[] calls)
    {
        var request = new StringBuilder();
        foreach (var (module, function) in calls)
            request.Append($"{{\"id\":{++_nextId},\"module\":\"{module}\",\"function\":\"{function}\",\"params\":{{}}}}\n");
        _stream.Write(Encoding.UTF8.GetBytes(request.ToString()));
        return [.. calls.Select(_ => ReadResponse())];
    }

    public JsonObject Call(string module, string function) => CallMany((module, function))[0];

    private JsonObject ReadResponse()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = new ReadOnlySpan<byte>(_buffer, _start, newline - _start);
                _start = newline + 1;
                return JsonNode.Parse(line)!.AsObject();
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) throw new IOException("response line longer than 64 KiB");
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0) throw new IOException("the daemon closed the connection");
            _end += read;
        }
    }

    public static string Describe(JsonObject response) =>
        $"{response["code"]?.GetValue<string>()}: {response["error"]?.GetValue<string>()}";

    public void Dispose() => _stream.Dispose();
}
