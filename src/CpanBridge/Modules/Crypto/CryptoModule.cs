using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Core;
using CpanBridge.Core.Protocol;
using CpanBridge.Core.Registry;
using CpanBridge.Modules.Database;

namespace CpanBridge.Modules.Crypto;

/// <summary>
/// The daemon side of Crypt::CBC and the block-cipher modules (docs/protocol.md, "Module crypto"):
/// stateless block-cipher runs over whole buffers with cached key schedules, plus the user guide's
/// raw API (encrypt/decrypt in OpenSSL's `enc` format, hash).
/// </summary>
public sealed class CryptoModule : IBridgeModule
{
    private readonly ScheduleCache _cache = new();

    public string Name => "crypto";

    internal ScheduleCache Cache => _cache;

    public void Register(ModuleBuilder module)
    {
        module.Function("crypt", Crypt).Required("cipher", ParamType.String).Required("mode", ParamType.String)
            .Required("direction", ParamType.String);
        module.Function("ciphers", _ => ValueTask.FromResult(Reply.Of(CipherList())));
        module.Function("encrypt", RawEncrypt).Required("data", ParamType.String).Required("key", ParamType.String)
            .Optional("algorithm", ParamType.String);
        module.Function("decrypt", RawDecrypt).Required("encrypted_data", ParamType.String).Required("key", ParamType.String)
            .Optional("algorithm", ParamType.String);
        module.Function("hash", Hash).Required("data", ParamType.String).Optional("algorithm", ParamType.String);
    }

    private ValueTask<Reply> Crypt(CallContext call)
    {
        var cipher = Ciphers.Find(call.Params.GetString("cipher"));
        var mode = call.Params.GetString("mode");
        var direction = call.Params.GetString("direction");
        var encrypt = direction switch
        {
            "encrypt" => true,
            "decrypt" => false,
            _ => throw BridgeException.Usage($"direction must be 'encrypt' or 'decrypt', not '{direction}'"),
        };
        if (mode is not ("ECB" or "CBC" or "CFB" or "OFB" or "CTR"))
            throw BridgeException.Usage($"unknown mode '{mode}'; modes are ECB, CBC, CFB, OFB, CTR");

        var (key, iv, data) = Unpack(call.Attachment);
        if (!cipher.AcceptsKeyLength(key.Length))
            throw BridgeException.Usage($"{cipher.Name} key is {key.Length} bytes; {cipher.Name} takes {cipher.DescribeKeySizes()}");
        var expectedIv = mode == "ECB" ? 0 : cipher.BlockSize;
        if (iv.Length != expectedIv)
            throw BridgeException.Usage(mode == "ECB"
                ? $"ECB takes no iv; {iv.Length} bytes given"
                : $"{mode} iv is {iv.Length} bytes; {cipher.Name} needs one block of {cipher.BlockSize} bytes");
        if (mode is "ECB" or "CBC" && data.Length % cipher.BlockSize != 0)
            throw BridgeException.Usage(
                $"{mode} data is {data.Length} bytes, not a whole number of {cipher.Name}'s {cipher.BlockSize}-byte blocks (no padding here)");

        var output = _cache.Use(cipher, key, schedule => Modes.Run(schedule, mode, encrypt, iv, data.Span));
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["blocksize"] = cipher.BlockSize }, output));
    }

    /// <summary>pack('w/a* w/a* a*', $key, $iv, $data).</summary>
    private static (byte[] Key, byte[] Iv, ReadOnlyMemory<byte> Data) Unpack(ReadOnlyMemory<byte> attachment)
    {
        try
        {
            var span = attachment.Span;
            var position = 0;
            var key = Field(span, ref position);
            var iv = Field(span, ref position);
            return (key, iv, attachment[position..]);
        }
        catch (FormatException e)
        {
            throw BridgeException.Usage($"crypt attachment is not pack('w/a* w/a* a*', key, iv, data): {e.Message}");
        }

        static byte[] Field(ReadOnlySpan<byte> span, ref int position)
        {
            var length = Ber.Read(span, ref position);
            if (length > (ulong)(span.Length - position)) throw new FormatException("a length runs past the end");
            var field = span.Slice(position, (int)length).ToArray();
            position += (int)length;
            return field;
        }
    }

    private static JsonObject CipherList()
    {
        var ciphers = new JsonObject();
        foreach (var (name, info) in Ciphers.All)
            ciphers[name] = new JsonObject
            {
                ["blocksize"] = info.BlockSize,
                ["keysizes"] = new JsonArray(info.KeySizes.Select(size => (JsonNode)size).ToArray()),
            };
        return new JsonObject { ["ciphers"] = ciphers };
    }

    private static ValueTask<Reply> RawEncrypt(CallContext call)
    {
        RawAlgorithm(call);
        var encrypted = OpensslEnvelope.Encrypt(Encoding.UTF8.GetBytes(call.Params.GetString("data")),
            Encoding.UTF8.GetBytes(call.Params.GetString("key")));
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["encrypted_data"] = Convert.ToBase64String(encrypted) }));
    }

    private static ValueTask<Reply> RawDecrypt(CallContext call)
    {
        RawAlgorithm(call);
        byte[] envelope;
        try
        {
            envelope = Convert.FromBase64String(call.Params.GetString("encrypted_data"));
        }
        catch (FormatException)
        {
            throw BridgeException.Usage("encrypted_data is not base64");
        }
        var plain = OpensslEnvelope.Decrypt(envelope, Encoding.UTF8.GetBytes(call.Params.GetString("key")));
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(plain);
        }
        catch (DecoderFallbackException)
        {
            throw BridgeException.Native("the decrypted data is not UTF-8 text (binary data: use Crypt::CBC or openssl enc)");
        }
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["decrypted_data"] = text }));
    }

    private static void RawAlgorithm(CallContext call)
    {
        var algorithm = call.Params.GetStringOrNull("algorithm") ?? "AES";
        if (!algorithm.Equals("AES", StringComparison.OrdinalIgnoreCase)
            && !algorithm.Equals("AES-256-CBC", StringComparison.OrdinalIgnoreCase))
            throw BridgeException.Usage(
                $"algorithm '{algorithm}' is not offered by the raw API; it has AES (AES-256-CBC in OpenSSL's enc format). " +
                "Other ciphers: Crypt::CBC, or crypto.crypt");
    }

    private static ValueTask<Reply> Hash(CallContext call)
    {
        var algorithm = call.Params.GetStringOrNull("algorithm") ?? "SHA256";
        var data = Encoding.UTF8.GetBytes(call.Params.GetString("data"));
        byte[] hash = algorithm.ToUpperInvariant().Replace("-", "") switch
        {
            "MD5" => MD5.HashData(data),
            "SHA1" => SHA1.HashData(data),
            "SHA256" => SHA256.HashData(data),
            "SHA384" => SHA384.HashData(data),
            "SHA512" => SHA512.HashData(data),
            _ => throw BridgeException.Usage($"unknown hash algorithm '{algorithm}'; there are MD5, SHA1, SHA256, SHA384, SHA512"),
        };
        return ValueTask.FromResult(Reply.Of(new JsonObject { ["hash"] = Convert.ToHexStringLower(hash) }));
    }
}

/// <summary>
/// OpenSSL's `enc` format as `openssl enc -aes-256-cbc -pbkdf2 -salt` writes it: "Salted__", an
/// 8-byte salt, then AES-256-CBC with PKCS#7 padding; key and IV are the 48 bytes of
/// PBKDF2-HMAC-SHA256(password, salt, 10000 iterations).
/// </summary>
internal static class OpensslEnvelope
{
    private static readonly byte[] Magic = "Salted__"u8.ToArray();
    private const int Iterations = 10000;

    public static byte[] Encrypt(byte[] plain, byte[] password, byte[]? salt = null)
    {
        salt ??= RandomNumberGenerator.GetBytes(8);
        var (key, iv) = Derive(password, salt);
        using var aes = Aes.Create();
        aes.Key = key;
        var cipher = aes.EncryptCbc(plain, iv, PaddingMode.PKCS7);
        var envelope = new byte[16 + cipher.Length];
        Magic.CopyTo(envelope, 0);
        salt.CopyTo(envelope, 8);
        cipher.CopyTo(envelope, 16);
        return envelope;
    }

    public static byte[] Decrypt(byte[] envelope, byte[] password)
    {
        if (envelope.Length < 16 || !envelope.AsSpan(0, 8).SequenceEqual(Magic))
            throw BridgeException.Usage("encrypted_data does not start with OpenSSL's 'Salted__' header");
        if ((envelope.Length - 16) % 16 != 0 || envelope.Length == 16)
            throw BridgeException.Native($"bad decrypt: {envelope.Length - 16} bytes of ciphertext is not whole AES blocks");
        var (key, iv) = Derive(password, envelope.AsSpan(8, 8).ToArray());
        using var aes = Aes.Create();
        aes.Key = key;
        try
        {
            return aes.DecryptCbc(envelope.AsSpan(16), iv, PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            throw BridgeException.Native("bad decrypt: wrong key or corrupt data");
        }
    }

    private static (byte[] Key, byte[] Iv) Derive(byte[] password, byte[] salt)
    {
        var both = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 48);
        return (both[..32], both[32..]);
    }
}
