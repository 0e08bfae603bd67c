using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Modules.Crypto;
using CpanBridge.Modules.Database;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Modules.Crypto;

/// <summary>crypto.crypt against published known-answer vectors, its chaining, cache and errors; the raw API and openssl.</summary>
public class CryptoModuleTests
{
    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    /// <summary>pack('w/a* w/a* a*', $key, $iv, $data), as Crypt::CBC's drop-in sends it.</summary>
    internal static byte[] Pack(byte[] key, byte[] iv, byte[] data)
    {
        var output = new ArrayBufferWriter<byte>();
        Ber.Write(output, (ulong)key.Length);
        output.Write(key);
        Ber.Write(output, (ulong)iv.Length);
        output.Write(iv);
        output.Write(data);
        return output.WrittenSpan.ToArray();
    }

    internal static async Task<(JsonObject Frame, byte[]? Output)> Crypt(PipeClient client, string cipher, string mode, string direction,
        byte[] key, byte[] iv, byte[] data, string module = "crypto")
    {
        await client.SendAsync(module, "crypt", new JsonObject { ["cipher"] = cipher, ["mode"] = mode, ["direction"] = direction },
            Pack(key, iv, data));
        return await client.ReadAsync(TimeSpan.FromSeconds(60));
    }

    private static async Task<byte[]> CryptOk(PipeClient client, string cipher, string mode, string direction, byte[] key, byte[] iv, byte[] data,
        string module = "crypto")
    {
        var (frame, output) = await Crypt(client, cipher, mode, direction, key, iv, data, module);
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        return output ?? [];
    }

    /// <summary>Encrypts and checks the ciphertext, then decrypts it back.</summary>
    private static async Task KnownAnswer(string cipher, string mode, string key, string iv, string plain, string expected)
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var cipherText = await CryptOk(client, cipher, mode, "encrypt", H(key), H(iv), H(plain));
        Assert.Equal(expected.Replace(" ", "").ToLowerInvariant(), Convert.ToHexStringLower(cipherText));
        var back = await CryptOk(client, cipher, mode, "decrypt", H(key), H(iv), cipherText);
        Assert.Equal(plain.Replace(" ", "").ToLowerInvariant(), Convert.ToHexStringLower(back));
    }

    // FIPS-197 appendix C.
    [Theory]
    [InlineData("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a")]
    [InlineData("000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089")]
    public Task Aes_ecb_fips197(string key, string expected) =>
        KnownAnswer("AES", "ECB", key, "", "00112233445566778899aabbccddeeff", expected);

    private const string Sp80038aKey = "2b7e151628aed2a6abf7158809cf4f3c";
    private const string Sp80038aPlain =
        "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";
    private const string Sp80038aIv = "000102030405060708090a0b0c0d0e0f";

    // NIST SP 800-38A appendix F, AES-128.
    [Theory]
    [InlineData("ECB", "", "3ad77bb40d7a3660a89ecaf32466ef97 f5d3d58503b9699de785895a96fdbaaf 43b1cd7f598ece23881b00e3ed030688 7b0c785e27e8ad3f8223207104725dd4")]
    [InlineData("CBC", Sp80038aIv, "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2 73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7")]
    [InlineData("CFB", Sp80038aIv, "3b3fd92eb72dad20333449f8e83cfb4a c8a64537a0b3a93fcde3cdad9f1ce58b 26751f67a3cbb140b1808cf187a4f4df c04b05357c5d1c0eeac4c66f9ff7f2e6")]
    [InlineData("OFB", Sp80038aIv, "3b3fd92eb72dad20333449f8e83cfb4a 7789508d16918f03f53c52dac54ed825 9740051e9c5fecf64344f7a82260edcc 304c6528f659c77866a510d9c1d6ae5e")]
    [InlineData("CTR", "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff 5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee")]
    public Task Aes128_sp800_38a(string mode, string iv, string expected) =>
        KnownAnswer("AES", mode, Sp80038aKey, iv, Sp80038aPlain, expected);

    [Fact]
    public Task Aes256_cbc_sp800_38a() =>
        KnownAnswer("AES", "CBC", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", Sp80038aIv, Sp80038aPlain,
            "f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d 39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b");

    [Theory]
    [InlineData("CFB")]
    [InlineData("OFB")]
    [InlineData("CTR")]
    public async Task Stream_modes_take_a_partial_last_block_as_a_prefix_of_the_whole_one(string mode)
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var iv = mode == "CTR" ? H("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff") : H(Sp80038aIv);
        var whole = await CryptOk(client, "AES", mode, "encrypt", H(Sp80038aKey), iv, H(Sp80038aPlain));
        var part = await CryptOk(client, "AES", mode, "encrypt", H(Sp80038aKey), iv, H(Sp80038aPlain)[..37]);
        Assert.Equal(whole[..37], part);
        Assert.Equal(H(Sp80038aPlain)[..37], await CryptOk(client, "AES", mode, "decrypt", H(Sp80038aKey), iv, part));
    }

    [Fact]
    public async Task Ctr_counter_carries_across_the_whole_block()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var key = H(Sp80038aKey);
        var two = await CryptOk(client, "AES", "CTR", "encrypt", key, H("00ffffffffffffffffffffffffffffff"), new byte[32]);
        var second = await CryptOk(client, "AES", "ECB", "encrypt", key, [], H("01000000000000000000000000000000"));
        Assert.Equal(second, two[16..]);
        var wrap = await CryptOk(client, "AES", "CTR", "encrypt", key, H("ffffffffffffffffffffffffffffffff"), new byte[32]);
        Assert.Equal(await CryptOk(client, "AES", "ECB", "encrypt", key, [], new byte[16]), wrap[16..]);
    }

    // Schneier's Blowfish ECB test set (a few).
    [Theory]
    [InlineData("0000000000000000", "0000000000000000", "4ef997456198dd78")]
    [InlineData("ffffffffffffffff", "ffffffffffffffff", "51866fd5b85ecb8a")]
    [InlineData("3000000000000000", "1000000000000001", "7d856f9a613063f2")]
    [InlineData("0123456789abcdef", "1111111111111111", "61f9c3802281b096")]
    [InlineData("fedcba9876543210", "0123456789abcdef", "0aceab0fc6a0a28d")]
    public Task Blowfish_ecb_schneier(string key, string plain, string expected) =>
        KnownAnswer("Blowfish", "ECB", key, "", plain, expected);

    [Fact]
    public Task Blowfish_cbc_schneier() =>
        // Schneier's CBC vector: 29-byte text "7654321 Now is the time for " plus a zero byte, zero-padded.
        KnownAnswer("Blowfish", "CBC", "0123456789abcdeff0e1d2c3b4a59687", "fedcba9876543210",
            "37363534333231204e6f77206973207468652074696d6520666f722000000000",
            "6b77b4d63006dee605b156e27403979358deb9e7154616d959f1652bd5ff92cc");

    [Theory]
    [InlineData("133457799bbcdff1", "0123456789abcdef", "85e813540f0ab405")]
    // FIPS 81 appendix B: "Now is the time for all " under 0123456789abcdef.
    [InlineData("0123456789abcdef", "4e6f772069732074 68652074696d6520 666f7220616c6c20", "3fa40e8a984d4815 6a271787ab8883f9 893d51ec4b563b53")]
    public Task Des_ecb(string key, string plain, string expected) => KnownAnswer("DES", "ECB", key, "", plain, expected);

    [Fact]
    public Task Des_cbc_fips81() =>
        KnownAnswer("DES", "CBC", "0123456789abcdef", "1234567890abcdef", "4e6f772069732074 68652074696d6520 666f7220616c6c20",
            "e5c7cdde872bf27c 43e934008c389c0f 683788499a7c05f6");

    [Fact]
    public async Task Des_weak_keys_work_as_the_cipher_defines_them()
    {
        // .NET refuses weak keys; they must still run (Crypt::CBC derives whatever its hash gives).
        // A weak key's encryption is its own inverse.
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var plain = H("0123456789abcdef");
        foreach (var key in new[] { "0101010101010101", "fefefefefefefefe", "e0e0e0e0f1f1f1f1" })
        {
            var once = await CryptOk(client, "DES", "ECB", "encrypt", H(key), [], plain);
            Assert.NotEqual(plain, once);
            Assert.Equal(plain, await CryptOk(client, "DES", "ECB", "encrypt", H(key), [], once));
        }
    }

    [Fact]
    public void Keys_dotnet_refuses_fall_back_to_bouncycastle()
    {
        using var weak = Ciphers.Find("DES").Create(H("0101010101010101"));
        Assert.IsType<EngineSchedule>(weak);
        using var repeated = Ciphers.Find("DES_EDE3").Create(H("0123456789abcdef0123456789abcdef456789abcdef0123"));
        Assert.IsType<EngineSchedule>(repeated);
        using var aes = Ciphers.Find("AES").Create(new byte[16]);
        Assert.IsType<DotNetSchedule>(aes);
        using var tripleDes = Ciphers.Find("DES_EDE3").Create(H("0123456789abcdef23456789abcdef01456789abcdef0123"));
        Assert.IsType<DotNetSchedule>(tripleDes);
    }

    [Theory]
    [InlineData("CBC", 0)]
    [InlineData("CFB", 0)]
    [InlineData("CFB", 7)]
    [InlineData("OFB", 9)]
    [InlineData("CTR", 3)]
    public void The_generic_modes_match_dotnets_own_on_aes(string mode, int tail)
    {
        // Blowfish, IDEA and fallback DES run the modes written here; .NET's native CBC and CFB
        // check them on AES, with BouncyCastle's AES engine driving the generic code.
        var random = new Random(tail + mode.Length);
        var key = new byte[32];
        var iv = new byte[16];
        var data = new byte[16 * 100 + tail];
        random.NextBytes(key);
        random.NextBytes(iv);
        random.NextBytes(data);
        using var native = Ciphers.Find("AES").Create(key);
        using var generic = new EngineSchedule(() => new Org.BouncyCastle.Crypto.Engines.AesEngine(), key);
        var expected = Modes.Run(native, mode, true, iv, data);
        Assert.Equal(expected, Modes.Run(generic, mode, true, iv, data));
        Assert.Equal(data, Modes.Run(generic, mode, false, iv, expected));
        Assert.Equal(data, Modes.Run(native, mode, false, iv, expected));
    }

    [Fact]
    public Task Des_ede3_sp800_67_example() =>
        KnownAnswer("DES_EDE3", "ECB", "0123456789abcdef 23456789abcdef01 456789abcdef0123", "",
            "5468652071756663 6b2062726f776e20 666f78206a756d70", "a826fd8ce53b855f cce21c8112256fe6 68d5c05dd9b6b900");

    [Fact]
    public async Task Des_ede3_with_repeated_parts_is_des_and_two_key_is_k1_k2_k1()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var plain = H("0123456789abcdef");
        var single = await CryptOk(client, "DES", "ECB", "encrypt", H("133457799bbcdff1"), [], plain);
        Assert.Equal(single, await CryptOk(client, "DES_EDE3", "ECB", "encrypt", H("133457799bbcdff1133457799bbcdff1133457799bbcdff1"), [], plain));
        var k1k2 = "0123456789abcdef23456789abcdef01";
        Assert.Equal(await CryptOk(client, "DES_EDE3", "CBC", "encrypt", H(k1k2 + "0123456789abcdef"), H("1234567890abcdef"), new byte[24]),
            await CryptOk(client, "DES_EDE3", "CBC", "encrypt", H(k1k2), H("1234567890abcdef"), new byte[24]));
    }

    [Fact]
    public Task Idea_ecb_classic() =>
        KnownAnswer("IDEA", "ECB", "00010002000300040005000600070008", "", "0000000100020003", "11fbed2b01986de5");

    [Theory]
    [InlineData("AES", 32, 16)]
    [InlineData("Blowfish", 56, 8)]
    [InlineData("DES", 8, 8)]
    [InlineData("DES_EDE3", 24, 8)]
    [InlineData("IDEA", 16, 8)]
    public async Task Every_mode_chains_across_calls_with_the_iv_carried(string cipher, int keyLength, int block)
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var key = Enumerable.Range(0, keyLength).Select(i => (byte)(i * 7 + 3)).ToArray();
        var iv = Enumerable.Range(0, block).Select(i => (byte)(0xf0 + i)).ToArray();
        var plain = Enumerable.Range(0, block * 10).Select(i => (byte)i).ToArray();
        foreach (var mode in new[] { "CBC", "CFB", "OFB", "CTR" })
        {
            var one = await CryptOk(client, cipher, mode, "encrypt", key, iv, plain);
            var cut = block * 3;
            var first = await CryptOk(client, cipher, mode, "encrypt", key, iv, plain[..cut]);
            var next = NextIv(mode, iv, plain[..cut], first, block);
            var second = await CryptOk(client, cipher, mode, "encrypt", key, next, plain[cut..]);
            Assert.Equal(one, first.Concat(second).ToArray());
            Assert.Equal(plain, await CryptOk(client, cipher, mode, "decrypt", key, iv, one));
        }
        var ecb = await CryptOk(client, cipher, "ECB", "encrypt", key, [], plain);
        Assert.Equal(plain, await CryptOk(client, cipher, "ECB", "decrypt", key, [], ecb));
    }

    /// <summary>The IV that continues a chain, computed as the Perl side does: from what it has seen.</summary>
    private static byte[] NextIv(string mode, byte[] iv, byte[] plain, byte[] cipher, int block)
    {
        var last = cipher[^block..];
        switch (mode)
        {
            case "OFB":
                return last.Zip(plain[^block..], (c, p) => (byte)(c ^ p)).ToArray();
            case "CTR":
                var counter = (byte[])iv.Clone();
                for (var n = 0; n < plain.Length / block; n++)
                    for (var i = counter.Length - 1; i >= 0 && ++counter[i] == 0; i--)
                    {
                    }
                return counter;
            default:
                return last;
        }
    }

    [Fact]
    public async Task The_same_key_twice_uses_one_cached_schedule()
    {
        // A second instance under another name, so that its cache can be looked at.
        var module = new CryptoModule();
        using var bridge = new TestBridge(extraModules: [new Renamed(module)]);
        var client = bridge.Connect();
        var key = H(Sp80038aKey);
        var a = await CryptOk(client, "AES", "CBC", "encrypt", key, H(Sp80038aIv), H(Sp80038aPlain), "crypto_probe");
        var b = await CryptOk(client, "AES", "CBC", "encrypt", (byte[])key.Clone(), H(Sp80038aIv), H(Sp80038aPlain), "crypto_probe");
        Assert.Equal(a, b);
        Assert.Equal(1, module.Cache.Misses);
        Assert.Equal(1, module.Cache.Hits);
        await CryptOk(client, "Blowfish", "ECB", "encrypt", key, [], new byte[8], "crypto_probe");
        Assert.Equal(2, module.Cache.Misses);
        Assert.Equal(2, module.Cache.Count);
    }

    [Fact]
    public void The_cache_drops_the_least_recently_used_schedule()
    {
        var cache = new ScheduleCache(capacity: 2);
        var aes = Ciphers.Find("AES");
        byte[] K(byte b) => Enumerable.Repeat(b, 16).ToArray();
        var block = new byte[16];
        byte[] Run(byte b) => cache.Use(aes, K(b), s => Modes.Run(s, "ECB", true, [], block));
        var first = Run(1);
        Run(2);
        Run(1);
        Run(3); // drops 2
        Assert.Equal(2, cache.Count);
        var misses = cache.Misses;
        Assert.Equal(first, Run(1));
        Assert.Equal(misses, cache.Misses);
        Run(2);
        Assert.Equal(misses + 1, cache.Misses);
    }

    [Fact]
    public async Task The_cache_stays_exact_when_calls_race_with_evictions()
    {
        // Sessions run in parallel: a schedule dropped while another call uses it must not be
        // disposed under that call.
        var cache = new ScheduleCache(capacity: 3);
        var aes = Ciphers.Find("AES");
        var keys = Enumerable.Range(0, 8).Select(i => Enumerable.Repeat((byte)i, 32).ToArray()).ToArray();
        var data = new byte[16 * 256];
        var expected = keys.Select(k => { using var s = aes.Create(k); return Modes.Run(s, "CBC", true, new byte[16], data); }).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            var random = new Random(worker);
            for (var n = 0; n < 500; n++)
            {
                var i = random.Next(keys.Length);
                var output = cache.Use(aes, (byte[])keys[i].Clone(), s => Modes.Run(s, "CBC", true, new byte[16], data));
                Assert.Equal(expected[i], output);
            }
        })));
        Assert.True(cache.Count <= 3);
    }

    [Theory]
    [InlineData("AES", "CBC", 15, 16, 32, "AES key is 15 bytes; AES takes 16 or 24 or 32 bytes")]
    [InlineData("Blowfish", "ECB", 3, 0, 8, "Blowfish key is 3 bytes; Blowfish takes 4 to 56 bytes")]
    [InlineData("Blowfish", "ECB", 57, 0, 8, "Blowfish takes 4 to 56 bytes")]
    [InlineData("DES_EDE3", "ECB", 8, 0, 8, "DES_EDE3 takes 16 or 24 bytes")]
    [InlineData("AES", "CBC", 16, 16, 20, "CBC data is 20 bytes, not a whole number of AES's 16-byte blocks")]
    [InlineData("DES", "ECB", 8, 0, 12, "ECB data is 12 bytes, not a whole number of DES's 8-byte blocks")]
    [InlineData("AES", "CBC", 16, 8, 16, "CBC iv is 8 bytes; AES needs one block of 16 bytes")]
    [InlineData("AES", "ECB", 16, 16, 16, "ECB takes no iv")]
    [InlineData("AES", "XTS", 16, 16, 16, "unknown mode 'XTS'; modes are ECB, CBC, CFB, OFB, CTR")]
    [InlineData("Twofish", "CBC", 16, 16, 16, "unknown cipher 'Twofish'; this daemon offers AES, Blowfish, DES, DES_EDE3, IDEA")]
    public async Task Mistakes_are_usage_errors_naming_the_lengths(string cipher, string mode, int key, int iv, int data, string message)
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var (frame, _) = await Crypt(client, cipher, mode, "encrypt", new byte[key], new byte[iv], new byte[data]);
        Assert.False(frame["success"]!.GetValue<bool>());
        Assert.Equal("E_USAGE", frame["code"]!.GetValue<string>());
        Assert.Contains(message, frame["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_malformed_attachment_and_a_bad_direction_are_usage_errors()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        await client.SendAsync("crypto", "crypt", new JsonObject { ["cipher"] = "AES", ["mode"] = "ECB", ["direction"] = "encrypt" }, [0x20, 1, 2]);
        var (frame, _) = await client.ReadAsync();
        Assert.Equal("E_USAGE", frame["code"]!.GetValue<string>());
        Assert.Contains("pack('w/a* w/a* a*'", frame["error"]!.GetValue<string>());
        (frame, _) = await Crypt(client, "AES", "ECB", "sideways", new byte[16], [], new byte[16]);
        Assert.Contains("direction must be 'encrypt' or 'decrypt'", frame["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ciphers_lists_what_the_daemon_offers()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var ciphers = (await client.CallAsync("crypto", "ciphers"))["result"]!["ciphers"]!;
        Assert.Equal(16, ciphers["AES"]!["blocksize"]!.GetValue<int>());
        Assert.Equal("[16,24,32]", ciphers["AES"]!["keysizes"]!.ToJsonString());
        Assert.Equal(8, ciphers["Blowfish"]!["blocksize"]!.GetValue<int>());
        Assert.Equal(53, ciphers["Blowfish"]!["keysizes"]!.AsArray().Count);
        Assert.Equal("[8]", ciphers["DES"]!["keysizes"]!.ToJsonString());
        Assert.Equal("[16,24]", ciphers["DES_EDE3"]!["keysizes"]!.ToJsonString());
        Assert.NotNull(ciphers["IDEA"]);
    }

    [Fact]
    public async Task Empty_data_gives_empty_output()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        foreach (var mode in new[] { "CBC", "CFB", "OFB", "CTR" })
            Assert.Empty(await CryptOk(client, "AES", mode, "decrypt", new byte[16], new byte[16], []));
    }

    private sealed class Renamed(CryptoModule inner) : CpanBridge.Core.Registry.IBridgeModule
    {
        public string Name => "crypto_probe";
        public void Register(CpanBridge.Core.Registry.ModuleBuilder module) => inner.Register(module);
    }
}
