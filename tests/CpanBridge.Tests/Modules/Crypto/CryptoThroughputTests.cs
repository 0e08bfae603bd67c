using System.Diagnostics;
using CpanBridge.Tests.Support;
using Xunit.Abstractions;

namespace CpanBridge.Tests.Modules.Crypto;

/// <summary>
/// AES-256-CBC through the in-memory bridge (frames, attachment copies and the cipher; no socket):
/// 10 MB in one call and in 1 MB calls. Prints MB/s; fails only when something is pathologically slow.
/// </summary>
[Collection(nameof(CryptoThroughputTests))]
public class CryptoThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Aes256_cbc_over_10_mb()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var key = new byte[32];
        var iv = new byte[16];
        Random.Shared.NextBytes(key);
        Random.Shared.NextBytes(iv);
        var data = new byte[10 << 20];
        Random.Shared.NextBytes(data);
        await CryptoModuleTests.Crypt(client, "AES", "CBC", "encrypt", key, iv, new byte[1 << 20]); // warm-up

        foreach (var direction in new[] { "encrypt", "decrypt" })
        {
            var clock = Stopwatch.StartNew();
            var (_, whole) = await CryptoModuleTests.Crypt(client, "AES", "CBC", direction, key, iv, data);
            var one = clock.Elapsed.TotalSeconds;

            var chunks = Enumerable.Range(0, 10).Select(i => data[(i << 20)..((i + 1) << 20)]).ToArray();
            var parts = new List<byte[]>();
            clock.Restart();
            var chainIv = iv;
            foreach (var chunk in chunks)
            {
                var (_, part) = await CryptoModuleTests.Crypt(client, "AES", "CBC", direction, key, chainIv, chunk);
                parts.Add(part!);
                chainIv = (direction == "encrypt" ? part! : chunk)[^16..];
            }
            var chunked = clock.Elapsed.TotalSeconds;
            Assert.True(whole.AsSpan().SequenceEqual(parts.SelectMany(p => p).ToArray()));
            output.WriteLine($"AES-256-CBC {direction}: 10 MB in one call {10 / one:F0} MB/s; in 1 MB calls {10 / chunked:F0} MB/s");
            Assert.True(10 / one > 5, $"{10 / one:F1} MB/s");

            // The cipher alone, without the bridge, for comparison.
            using var schedule = CpanBridge.Modules.Crypto.Ciphers.Find("AES").Create(key);
            clock.Restart();
            CpanBridge.Modules.Crypto.Modes.Run(schedule, "CBC", direction == "encrypt", iv, data);
            output.WriteLine($"AES-256-CBC {direction}: the cipher alone {10 / clock.Elapsed.TotalSeconds:F0} MB/s");
        }
    }

    [Fact]
    public async Task Two_thousand_small_values_with_one_key()
    {
        // The config-decrypting pattern: a new Crypt::CBC object per value, same key; the
        // schedule comes from the cache after the first.
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var key = new byte[32];
        var iv = new byte[16];
        var value = new byte[48];
        await CryptoModuleTests.Crypt(client, "AES", "CBC", "decrypt", key, iv, value);
        var clock = Stopwatch.StartNew();
        for (var n = 0; n < 2000; n++)
        {
            iv[0] = (byte)n;
            var (frame, _) = await CryptoModuleTests.Crypt(client, "AES", "CBC", "decrypt", key, iv, value);
            Assert.True(frame["success"]!.GetValue<bool>());
        }
        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"2000 AES-256-CBC decrypts of 48 bytes: {seconds * 1000:F0} ms, {seconds / 2000 * 1e6:F1} µs a call");
    }
}

/// <summary>Run alone: megabytes of AES on two shared cores would upset the timing tests running beside it.</summary>
[CollectionDefinition(nameof(CryptoThroughputTests), DisableParallelization = true)]
public class CryptoThroughputCollection;
