using System.Diagnostics;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Modules.Crypto;

/// <summary>
/// crypto.crypt against the native Perl block ciphers (Debian's Crypt::Rijndael, Crypt::Blowfish,
/// Crypt::DES, Crypt::DES_EDE3) on random keys, IVs and data, including keys .NET refuses.
/// CBC for the non-AES modules is chained in the script around their one-block encrypt.
/// </summary>
public class CryptoNativeInteropTests
{
    private const string Script = """
        use strict;
        my ($cipher, $mode, $k, $iv, $d) = ($ARGV[0], $ARGV[1], map { pack 'H*', $_ } @ARGV[2..4]);
        if ($cipher eq 'AES') {
            require Crypt::Rijndael;
            my $c = Crypt::Rijndael->new($k, Crypt::Rijndael->can("MODE_$mode")->());
            $c->set_iv($iv) if $mode ne 'ECB';
            print unpack('H*', $c->encrypt($d));
            exit;
        }
        my $class = { Blowfish => 'Crypt::Blowfish', DES => 'Crypt::DES', DES_EDE3 => 'Crypt::DES_EDE3' }->{$cipher};
        eval "require $class; 1" or die $@;
        my $c = $class->new($k);
        my $bs = $c->blocksize;
        my ($out, $prev) = ('', $iv);
        for (my $i = 0; $i < length $d; $i += $bs) {
            my $b = substr($d, $i, $bs);
            $b ^= $prev if $mode eq 'CBC';
            $prev = $c->encrypt($b);
            $out .= $prev;
        }
        print unpack('H*', $out);
        """;

    private static string Native(string cipher, string mode, byte[] key, byte[] iv, byte[] data)
    {
        var start = new ProcessStartInfo("perl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-e", Script, cipher, mode, Convert.ToHexString(key), Convert.ToHexString(iv), Convert.ToHexString(data) })
            start.ArgumentList.Add(argument);
        // Native modules only: no drop-ins from PERL5LIB/PERL5OPT of the surrounding test run.
        start.Environment.Remove("PERL5OPT");
        start.Environment.Remove("PERL5LIB");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"native {cipher} {mode}: {error}");
        return output.ToLowerInvariant();
    }

    [Theory]
    [InlineData("AES", "ECB", 16)]
    [InlineData("AES", "CBC", 24)]
    [InlineData("AES", "CFB", 32)]
    [InlineData("AES", "OFB", 16)]
    [InlineData("AES", "CTR", 32)]
    [InlineData("AES", "CBC", 32)]
    [InlineData("Blowfish", "ECB", 8)]
    [InlineData("Blowfish", "CBC", 56)]
    [InlineData("Blowfish", "CBC", 16)]
    [InlineData("DES", "ECB", 8)]
    [InlineData("DES", "CBC", 8)]
    [InlineData("DES_EDE3", "ECB", 24)]
    [InlineData("DES_EDE3", "CBC", 24)]
    public async Task Random_keys_give_the_native_modules_bytes(string cipher, string mode, int keyLength)
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var block = cipher == "AES" ? 16 : 8;
        var random = new Random(keyLength * 31 + mode.Length);
        for (var round = 0; round < 3; round++)
        {
            var key = new byte[keyLength];
            var iv = new byte[mode == "ECB" ? 0 : block];
            var data = new byte[block * random.Next(1, 40)];
            random.NextBytes(key);
            random.NextBytes(iv);
            random.NextBytes(data);
            var (frame, output) = await CryptoModuleTests.Crypt(client, cipher, mode, "encrypt", key, iv, data);
            Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
            Assert.Equal(Native(cipher, mode, key, iv, data), Convert.ToHexStringLower(output!));
        }
    }

    [Theory]
    [InlineData("DES", "0101010101010101")]
    [InlineData("DES", "01fe01fe01fe01fe")]
    [InlineData("DES_EDE3", "0123456789abcdef0123456789abcdef456789abcdef0123")]
    [InlineData("DES_EDE3", "0123456789abcdef456789abcdef0123456789abcdef0123")]
    public async Task Keys_dotnet_refuses_still_give_the_native_bytes(string cipher, string keyHex)
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var key = Convert.FromHexString(keyHex);
        var iv = Convert.FromHexString("1234567890abcdef");
        var data = Enumerable.Range(0, 64).Select(i => (byte)(i * 13)).ToArray();
        var (frame, output) = await CryptoModuleTests.Crypt(client, cipher, "CBC", "encrypt", key, iv, data);
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        Assert.Equal(Native(cipher, "CBC", key, iv, data), Convert.ToHexStringLower(output!));
    }
}
