using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CpanBridge.Modules.Crypto;

/// <summary>What a cipher name means: its block size and the key lengths it takes.</summary>
internal sealed record CipherInfo(string Name, int BlockSize, int[] KeySizes, Func<byte[], KeySchedule> Create)
{
    public bool AcceptsKeyLength(int length) => Array.IndexOf(KeySizes, length) >= 0;

    public string DescribeKeySizes() => Name == "Blowfish" ? "4 to 56 bytes" : string.Join(" or ", KeySizes) + " bytes";
}

/// <summary>
/// One key's schedule: raw block encryption and decryption over whole blocks (ECB), from which
/// every mode is built. .NET's CBC and CFB one-shots are used where .NET has the cipher, as they
/// run the chain in native code.
/// </summary>
internal abstract class KeySchedule : IDisposable
{
    public abstract int BlockSize { get; }

    /// <summary>ECB over whole blocks; input and output may be the same array.</summary>
    public abstract void EncryptBlocks(byte[] input, int inputOffset, int length, byte[] output, int outputOffset);

    public abstract void DecryptBlocks(byte[] input, int inputOffset, int length, byte[] output, int outputOffset);

    public virtual bool TryEncryptCbc(ReadOnlySpan<byte> data, ReadOnlySpan<byte> iv, Span<byte> output) => false;

    public virtual bool TryDecryptCbc(ReadOnlySpan<byte> data, ReadOnlySpan<byte> iv, Span<byte> output) => false;

    /// <summary>Full-block CFB encryption of whole blocks, when the library offers it.</summary>
    public virtual bool TryEncryptCfb(ReadOnlySpan<byte> data, ReadOnlySpan<byte> iv, Span<byte> output) => false;

    public virtual void Dispose()
    {
    }
}

/// <summary>A cipher .NET implements (AES, 3DES, DES), with ECB transforms kept for the block primitive.</summary>
internal sealed class DotNetSchedule : KeySchedule
{
    private readonly SymmetricAlgorithm _algorithm;
    private readonly ICryptoTransform _encryptor;
    private readonly ICryptoTransform _decryptor;
    private readonly bool _cfb;

    public DotNetSchedule(SymmetricAlgorithm algorithm, byte[] key, bool cfb)
    {
        _algorithm = algorithm;
        _algorithm.Key = key;
        _algorithm.Mode = CipherMode.ECB;
        _algorithm.Padding = PaddingMode.None;
        _encryptor = _algorithm.CreateEncryptor();
        _decryptor = _algorithm.CreateDecryptor();
        _cfb = cfb;
    }

    public override int BlockSize => _algorithm.BlockSize / 8;

    public override void EncryptBlocks(byte[] input, int inputOffset, int length, byte[] output, int outputOffset) =>
        Transform(_encryptor, input, inputOffset, length, output, outputOffset);

    public override void DecryptBlocks(byte[] input, int inputOffset, int length, byte[] output, int outputOffset) =>
        Transform(_decryptor, input, inputOffset, length, output, outputOffset);

    private static void Transform(ICryptoTransform transform, byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
    {
        if (length == 0) return;
        var done = transform.TransformBlock(input, inputOffset, length, output, outputOffset);
        if (done != length) throw new CryptographicException($"ECB transform returned {done} of {length} bytes");
    }

    public override bool TryEncryptCbc(ReadOnlySpan<byte> data, ReadOnlySpan<byte> iv, Span<byte> output)
    {
        _algorithm.EncryptCbc(data, iv, output, PaddingMode.None);
        return true;
    }

    public override bool TryDecryptCbc(ReadOnlySpan<byte> data, ReadOnlySpan<byte> iv, Span<byte> output)
    {
        _algorithm.DecryptCbc(data, iv, output, PaddingMode.None);
        return true;
    }

    public override bool TryEncryptCfb(ReadOnlySpan<byte> data, ReadOnlySpan<byte> iv, Span<byte> output)
    {
        if (!_cfb) return false;
        _algorithm.EncryptCfb(data, iv, output, PaddingMode.None, BlockSize * 8);
        return true;
    }

    public override void Dispose()
    {
        _encryptor.Dispose();
        _decryptor.Dispose();
        _algorithm.Dispose();
    }
}

/// <summary>A BouncyCastle engine (Blowfish, IDEA, and DES/3DES keys .NET refuses as weak).</summary>
internal sealed class EngineSchedule : KeySchedule
{
    private readonly IBlockCipher _encryptor;
    private readonly IBlockCipher _decryptor;

    public EngineSchedule(Func<IBlockCipher> create, byte[] key)
    {
        _encryptor = create();
        _encryptor.Init(true, new KeyParameter(key));
        _decryptor = create();
        _decryptor.Init(false, new KeyParameter(key));
    }

    public override int BlockSize => _encryptor.GetBlockSize();

    public override void EncryptBlocks(byte[] input, int inputOffset, int length, byte[] output, int outputOffset) =>
        Run(_encryptor, input, inputOffset, length, output, outputOffset);

    public override void DecryptBlocks(byte[] input, int inputOffset, int length, byte[] output, int outputOffset) =>
        Run(_decryptor, input, inputOffset, length, output, outputOffset);

    private static void Run(IBlockCipher engine, byte[] input, int inputOffset, int length, byte[] output, int outputOffset)
    {
        var size = engine.GetBlockSize();
        for (var i = 0; i < length; i += size) engine.ProcessBlock(input, inputOffset + i, output, outputOffset + i);
    }
}

internal static class Ciphers
{
    public static readonly IReadOnlyDictionary<string, CipherInfo> All = new Dictionary<string, CipherInfo>
    {
        ["AES"] = new("AES", 16, [16, 24, 32], key => new DotNetSchedule(Aes.Create(), key, cfb: true)),
        ["Blowfish"] = new("Blowfish", 8, Enumerable.Range(4, 53).ToArray(), key => new EngineSchedule(() => new BlowfishEngine(), key)),
        ["DES"] = new("DES", 8, [8], key => WithFallback(() => DES.Create(), key, () => new DesEngine())),
        ["DES_EDE3"] = new("DES_EDE3", 8, [16, 24], key => WithFallback(() => TripleDES.Create(), ThreeKey(key), () => new DesEdeEngine())),
        ["IDEA"] = new("IDEA", 8, [16], key => new EngineSchedule(() => new IdeaEngine(), key)),
    };

    /// <summary>Two-key 3DES is K1 K2 K1; OpenSSL's one-shot CBC refuses the 16-byte form.</summary>
    private static byte[] ThreeKey(byte[] key) => key.Length == 16 ? [.. key, .. key.AsSpan(0, 8)] : key;

    /// <summary>
    /// .NET refuses DES's weak and semi-weak keys and 3DES keys whose parts repeat, which
    /// Crypt::CBC happily derives; OpenSSL 3 may also lack single DES. BouncyCastle runs those
    /// keys exactly (the ciphers are the same), only slower.
    /// </summary>
    private static KeySchedule WithFallback(Func<SymmetricAlgorithm> create, byte[] key, Func<IBlockCipher> engine)
    {
        DotNetSchedule? schedule = null;
        try
        {
            schedule = new DotNetSchedule(create(), key, cfb: false);
            // A probe block: some platforms only fail when the cipher is first used.
            var probe = new byte[8];
            schedule.EncryptBlocks(probe, 0, 8, probe, 0);
            return schedule;
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            schedule?.Dispose();
            return new EngineSchedule(engine, key);
        }
    }

    public static CipherInfo Find(string name) =>
        All.TryGetValue(name, out var info)
            ? info
            : throw Core.BridgeException.Usage($"unknown cipher '{name}'; this daemon offers {string.Join(", ", All.Keys)}");
}

/// <summary>The block-cipher modes of docs/protocol.md over one key schedule; no padding.</summary>
internal static class Modes
{
    private const int Chunk = 64 * 1024;

    public static byte[] Run(KeySchedule key, string mode, bool encrypt, byte[] iv, ReadOnlySpan<byte> data)
    {
        var output = new byte[data.Length];
        switch (mode)
        {
            case "ECB":
                data.CopyTo(output);
                if (encrypt) key.EncryptBlocks(output, 0, output.Length, output, 0);
                else key.DecryptBlocks(output, 0, output.Length, output, 0);
                break;
            case "CBC":
                if (encrypt) Cbc.Encrypt(key, iv, data, output);
                else Cbc.Decrypt(key, iv, data, output);
                break;
            case "CFB":
                if (encrypt) CfbEncrypt(key, iv, data, output);
                else CfbDecrypt(key, iv, data, output);
                break;
            case "OFB":
                Ofb(key, iv, data, output);
                break;
            case "CTR":
                Ctr(key, iv, data, output);
                break;
            default:
                throw Core.BridgeException.Usage($"unknown mode '{mode}'; modes are ECB, CBC, CFB, OFB, CTR");
        }
        return output;
    }

    private static class Cbc
    {
        public static void Encrypt(KeySchedule key, byte[] iv, ReadOnlySpan<byte> data, byte[] output)
        {
            if (key.TryEncryptCbc(data, iv, output)) return;
            var size = key.BlockSize;
            var previous = iv.AsSpan();
            for (var i = 0; i < data.Length; i += size)
            {
                var block = output.AsSpan(i, size);
                Xor(data.Slice(i, size), previous, block);
                key.EncryptBlocks(output, i, size, output, i);
                previous = block;
            }
        }

        public static void Decrypt(KeySchedule key, byte[] iv, ReadOnlySpan<byte> data, byte[] output)
        {
            if (key.TryDecryptCbc(data, iv, output)) return;
            // Decryption parallelises: all blocks at once, then each XORed with the ciphertext before it.
            var size = key.BlockSize;
            data.CopyTo(output);
            key.DecryptBlocks(output, 0, output.Length, output, 0);
            if (data.Length == 0) return;
            Xor(output.AsSpan(0, size), iv, output.AsSpan(0, size));
            for (var i = size; i < data.Length; i += size)
                Xor(output.AsSpan(i, size), data.Slice(i - size, size), output.AsSpan(i, size));
        }
    }

    private static void CfbEncrypt(KeySchedule key, byte[] iv, ReadOnlySpan<byte> data, byte[] output)
    {
        var size = key.BlockSize;
        var whole = data.Length - data.Length % size;
        var register = new byte[size];
        if (whole > 0 && key.TryEncryptCfb(data[..whole], iv, output.AsSpan(0, whole)))
        {
            output.AsSpan(whole - size, size).CopyTo(register);
        }
        else
        {
            iv.CopyTo(register, 0);
            for (var i = 0; i < whole; i += size)
            {
                key.EncryptBlocks(register, 0, size, register, 0);
                Xor(data.Slice(i, size), register, output.AsSpan(i, size));
                output.AsSpan(i, size).CopyTo(register);
            }
        }
        if (whole < data.Length)
        {
            key.EncryptBlocks(register, 0, size, register, 0);
            Xor(data[whole..], register.AsSpan(0, data.Length - whole), output.AsSpan(whole));
        }
    }

    private static void CfbDecrypt(KeySchedule key, byte[] iv, ReadOnlySpan<byte> data, byte[] output)
    {
        // The keystream is E(previous ciphertext block): known in advance, so it runs in bulk.
        var size = key.BlockSize;
        XorKeystream(key, data, output, (data, index, block) =>
            (index == 0 ? iv.AsSpan() : data.Slice((index - 1) * size, size)).CopyTo(block));
    }

    private static void Ofb(KeySchedule key, byte[] iv, ReadOnlySpan<byte> data, byte[] output)
    {
        var size = key.BlockSize;
        var register = (byte[])iv.Clone();
        for (var i = 0; i < data.Length; i += size)
        {
            key.EncryptBlocks(register, 0, size, register, 0);
            var length = Math.Min(size, data.Length - i);
            Xor(data.Slice(i, length), register.AsSpan(0, length), output.AsSpan(i, length));
        }
    }

    private static void Ctr(KeySchedule key, byte[] iv, ReadOnlySpan<byte> data, byte[] output)
    {
        var counter = (byte[])iv.Clone();
        XorKeystream(key, data, output, (_, _, block) =>
        {
            counter.CopyTo(block);
            Increment(counter);
        });
    }

    /// <summary>Fills <paramref name="block"/> with the input block whose encryption is keystream block <paramref name="index"/>.</summary>
    private delegate void KeystreamInput(ReadOnlySpan<byte> data, int index, Span<byte> block);

    /// <summary>
    /// CFB decryption and CTR: every keystream block is the encryption of a block known before
    /// any output exists, so the keystream is made a chunk of blocks at a time (one bulk
    /// encryption) and XORed over the data; a partial last block takes a prefix.
    /// </summary>
    private static void XorKeystream(KeySchedule key, ReadOnlySpan<byte> data, byte[] output, KeystreamInput input)
    {
        var size = key.BlockSize;
        var blocks = (data.Length + size - 1) / size;
        var stream = ArrayPool<byte>.Shared.Rent(Math.Min(blocks, Chunk / size) * size);
        try
        {
            for (var first = 0; first < blocks; first += Chunk / size)
            {
                var count = Math.Min(blocks - first, Chunk / size);
                for (var b = 0; b < count; b++) input(data, first + b, stream.AsSpan(b * size, size));
                key.EncryptBlocks(stream, 0, count * size, stream, 0);
                var start = first * size;
                var length = Math.Min(count * size, data.Length - start);
                Xor(data.Slice(start, length), stream.AsSpan(0, length), output.AsSpan(start, length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stream);
        }
    }

    /// <summary>The whole block as one big-endian integer, wrapping at the top.</summary>
    private static void Increment(byte[] counter)
    {
        for (var i = counter.Length - 1; i >= 0; i--)
            if (++counter[i] != 0) return;
    }

    private static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> output)
    {
        var i = 0;
        for (; i + 8 <= a.Length; i += 8)
            BinaryPrimitives.WriteUInt64LittleEndian(output[i..],
                BinaryPrimitives.ReadUInt64LittleEndian(a[i..]) ^ BinaryPrimitives.ReadUInt64LittleEndian(b[i..]));
        for (; i < a.Length; i++) output[i] = (byte)(a[i] ^ b[i]);
    }
}
