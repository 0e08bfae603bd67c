using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CpanBridge.Modules.Crypto;
using CpanBridge.Tests.Support;

namespace CpanBridge.Tests.Modules.Crypto;

/// <summary>The user guide's encrypt/decrypt/hash: OpenSSL's enc format, checked against /usr/bin/openssl both ways.</summary>
public class CryptoRawApiTests
{
    private const string Text = "sensitive information — with ünïcödé, € and a line\nbreak, long enough for several base64 lines of output";

    private static async Task<JsonObject> Call(PipeClient client, string function, JsonObject parameters) =>
        await client.CallAsync("crypto", function, parameters);

    private static string Result(JsonObject frame, string name)
    {
        Assert.True(frame["success"]!.GetValue<bool>(), frame.ToJsonString());
        return frame["result"]![name]!.GetValue<string>();
    }

    /// <summary>Runs openssl with the given stdin; returns stdout bytes.</summary>
    private static byte[] Openssl(byte[] input, params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/openssl")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        copy.Wait();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"openssl {string.Join(' ', arguments)}: {stderr.Result}");
        return output.ToArray();
    }

    [Fact]
    public async Task Encrypt_then_decrypt_gives_the_text_back()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var encrypted = Result(await Call(client, "encrypt", new JsonObject { ["data"] = Text, ["key"] = "my-encryption-key", ["algorithm"] = "AES" }),
            "encrypted_data");
        Assert.StartsWith("U2FsdGVkX1", encrypted); // base64 of "Salted__"
        Assert.DoesNotContain("\n", encrypted);
        var again = Result(await Call(client, "encrypt", new JsonObject { ["data"] = Text, ["key"] = "my-encryption-key" }), "encrypted_data");
        Assert.NotEqual(encrypted, again); // a fresh salt each time
        var decrypted = Result(await Call(client, "decrypt",
            new JsonObject { ["encrypted_data"] = encrypted, ["key"] = "my-encryption-key", ["algorithm"] = "AES" }), "decrypted_data");
        Assert.Equal(Text, decrypted);
    }

    [Fact]
    public async Task Openssl_enc_decrypts_what_encrypt_produces()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var encrypted = Result(await Call(client, "encrypt", new JsonObject { ["data"] = Text, ["key"] = "clé secrète" }), "encrypted_data");
        var plain = Openssl(Encoding.ASCII.GetBytes(encrypted + "\n"), "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-a", "-A", "-k", "clé secrète");
        Assert.Equal(Text, Encoding.UTF8.GetString(plain));
    }

    [Fact]
    public async Task Decrypt_reads_what_openssl_enc_produces_wrapped_or_not()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        foreach (var oneLine in new[] { false, true })
        {
            var arguments = new List<string> { "enc", "-aes-256-cbc", "-pbkdf2", "-salt", "-a", "-k", "my-encryption-key" };
            if (oneLine) arguments.Add("-A");
            var encrypted = Encoding.ASCII.GetString(Openssl(Encoding.UTF8.GetBytes(Text), [.. arguments]));
            Assert.Equal(!oneLine, encrypted.TrimEnd().Contains('\n'));
            var decrypted = Result(await Call(client, "decrypt", new JsonObject { ["encrypted_data"] = encrypted, ["key"] = "my-encryption-key" }),
                "decrypted_data");
            Assert.Equal(Text, decrypted);
        }
    }

    [Fact]
    public void With_a_fixed_salt_the_bytes_are_openssls()
    {
        var salt = Convert.FromHexString("0011223344556677");
        var ours = OpensslEnvelope.Encrypt(Encoding.UTF8.GetBytes(Text), Encoding.UTF8.GetBytes("k"), salt);
        var theirs = Openssl(Encoding.UTF8.GetBytes(Text), "enc", "-aes-256-cbc", "-pbkdf2", "-S", "0011223344556677", "-k", "k");
        // OpenSSL 3 writes no header when the salt is given with -S; the header is checked above.
        Assert.Equal("Salted__0011223344556677", Encoding.ASCII.GetString(ours, 0, 8) + Convert.ToHexString(ours, 8, 8));
        Assert.Equal(Convert.ToHexString(theirs), Convert.ToHexString(ours, 16, ours.Length - 16));
    }

    [Fact]
    public async Task A_wrong_key_is_a_native_bad_decrypt_and_garbage_is_a_usage_error()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var encrypted = Result(await Call(client, "encrypt", new JsonObject { ["data"] = Text, ["key"] = "right" }), "encrypted_data");
        var frame = await Call(client, "decrypt", new JsonObject { ["encrypted_data"] = encrypted, ["key"] = "wrong" });
        Assert.Equal("E_NATIVE", frame["code"]!.GetValue<string>());
        frame = await Call(client, "decrypt", new JsonObject { ["encrypted_data"] = "not base64!", ["key"] = "k" });
        Assert.Equal("E_USAGE", frame["code"]!.GetValue<string>());
        frame = await Call(client, "decrypt", new JsonObject { ["encrypted_data"] = Convert.ToBase64String(new byte[32]), ["key"] = "k" });
        Assert.Contains("'Salted__'", frame["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Other_algorithms_are_usage_errors_that_say_what_exists()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var frame = await Call(client, "encrypt", new JsonObject { ["data"] = "x", ["key"] = "k", ["algorithm"] = "Blowfish" });
        Assert.Equal("E_USAGE", frame["code"]!.GetValue<string>());
        Assert.Contains("it has AES", frame["error"]!.GetValue<string>());
        Assert.Equal("E_USAGE", (await Call(client, "hash", new JsonObject { ["data"] = "x", ["algorithm"] = "CRC32" }))["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("MD5", "abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("SHA1", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData("SHA256", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("sha-256", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("SHA384", "abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")]
    [InlineData("SHA512", "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")]
    public async Task Hash_is_lower_case_hex_of_the_utf8_bytes(string algorithm, string data, string expected)
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        Assert.Equal(expected, Result(await Call(client, "hash", new JsonObject { ["data"] = data, ["algorithm"] = algorithm }), "hash"));
    }

    [Fact]
    public async Task Hash_of_characters_hashes_their_utf8()
    {
        using var bridge = new TestBridge();
        var client = bridge.Connect();
        var expected = Convert.ToHexStringLower(Openssl(Encoding.UTF8.GetBytes("€uro"), "dgst", "-sha256", "-binary"));
        Assert.Equal(expected, Result(await Call(client, "hash", new JsonObject { ["data"] = "€uro", ["algorithm"] = "SHA256" }), "hash"));
    }
}
