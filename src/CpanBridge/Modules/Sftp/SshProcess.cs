using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CpanBridge.Core.Logging;

namespace CpanBridge.Modules.Sftp;

/// <summary>Where and how to log in: the open parameters that shape the ssh command line.</summary>
internal sealed record SshTarget(
    string Host,
    string? User,
    int? Port,
    string? Password,
    string? KeyPath,
    IReadOnlyList<string> More,
    TimeSpan? Timeout,
    string SshCommand,
    IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>user@host:port for messages and the log (never the password).</summary>
    public override string ToString() =>
        (User is null ? "" : User + "@") + Host + (Port is null ? "" : ":" + Port.Value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The arguments after the ssh command, in Net::SFTP::Foreign's order (its Backend::Unix), so
    /// the same options win: -i, -p, the password options, -l, then the script's 'more', the
    /// host, "-s sftp".
    /// </summary>
    public List<string> Arguments()
    {
        var args = new List<string>();
        var preferred = new List<string>();
        if (KeyPath is not null)
        {
            args.AddRange(["-i", KeyPath]);
            preferred.Add("publickey");
        }
        if (Port is { } port) args.AddRange(["-p", port.ToString(CultureInfo.InvariantCulture)]);
        if (Password is not null)
        {
            args.AddRange(["-o", "NumberOfPasswordPrompts=1"]);
            preferred.AddRange(["keyboard-interactive", "password"]);
        }
        var moreSetsPreferred = More.Select((arg, i) => (arg, i))
            .Any(a => a.arg == "-o" && a.i + 1 < More.Count && More[a.i + 1].StartsWith("PreferredAuthentications", StringComparison.OrdinalIgnoreCase));
        if (preferred.Count > 0 && !moreSetsPreferred) args.AddRange(["-o", "PreferredAuthentications=" + string.Join(",", preferred)]);
        if (User is not null) args.AddRange(["-l", User]);
        // No ConnectTimeout for 'timeout': native passes none (a hanging connect then ends as the
        // wait for VERSION times out, "stalled", not as ssh's own error), and with -v it would
        // add a line native does not print.
        args.AddRange(More);
        args.AddRange([Host, "-s", "sftp"]);
        return args;
    }
}

/// <summary>
/// One running ssh client: its stdin and stdout are the SFTP pipes, its stderr is kept as ssh
/// wrote it (CRLF endings included) for the script's stderr, and logged. Prompts go to a private
/// askpass helper (<see cref="Askpass"/>), never to a terminal, so nothing can wait for a human.
/// </summary>
internal sealed partial class SshProcess : IDisposable
{
    private const int KeptTailLines = 20;
    /// <summary>Each part of ssh's stderr (the login, what follows) keeps at most this much, from its start.</summary>
    public const int KeptStderrChars = 64 * 1024;

    private readonly Process _process;
    private readonly Askpass _askpass;
    private readonly Queue<string> _tail = new();
    /// <summary>Until <see cref="MarkLoggedIn"/>: the login's words; after it: what ssh says later.</summary>
    private readonly StderrPart _login = new();
    private StderrPart _current;
    private StderrPart? _afterLogin;
    private readonly Task _stderrReader;
    private readonly int _stderrFd;
    /// <summary>1 while the stderr reader holds bytes it has read but not yet kept.</summary>
    private int _stderrBusy;
    private int _disposed;

    private SshProcess(Process process, Askpass askpass, string label, Log log)
    {
        _process = process;
        _askpass = askpass;
        _current = _login;
        Label = label;
        Input = process.StandardInput.BaseStream;
        Output = process.StandardOutput.BaseStream;
        _stderrFd = process.StandardError.BaseStream is global::System.IO.Pipes.PipeStream pipe ? (int)pipe.SafePipeHandle.DangerousGetHandle() : -1;
        _stderrReader = Task.Run(() => KeepStderrAsync(process.StandardError, log));
    }

    public Stream Input { get; }
    public Stream Output { get; }
    public int Pid => _process.Id;
    /// <summary>The name log lines carry; the module renames it to the handle once it has one.</summary>
    public string Label { get; set; }

    public static SshProcess Start(SshTarget target, string askpassParent, Log log, string label)
    {
        var askpass = Askpass.Create(askpassParent, target.Password);
        try
        {
            var start = new ProcessStartInfo(target.SshCommand)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in target.Arguments()) start.ArgumentList.Add(arg);
            foreach (var (name, value) in target.Environment) start.Environment[name] = value;
            start.Environment["SSH_ASKPASS"] = askpass.Helper;
            start.Environment["SSH_ASKPASS_REQUIRE"] = "force";
            var process = Process.Start(start) ?? throw new Win32Exception("Process.Start returned no process");
            log.Info($"sftp: {label}: ssh {target} started (pid {process.Id}{(target.Password is null ? "" : ", password through askpass")})");
            return new SshProcess(process, askpass, label, log);
        }
        catch
        {
            askpass.Dispose();
            throw;
        }
    }

    /// <summary>The password file is needed only until authentication is over.</summary>
    public void ForgetPassword() => _askpass.Dispose();

    /// <summary>What ssh wrote until <see cref="MarkLoggedIn"/> (all of it until then), bounded.</summary>
    public string LoginStderr
    {
        get
        {
            lock (_login) return _login.Text;
        }
    }

    /// <summary>What ssh wrote after <see cref="MarkLoggedIn"/>, bounded; after <see cref="Dispose"/>, up to its exit.</summary>
    public string LaterStderr
    {
        get
        {
            lock (_login) return _afterLogin?.Text ?? "";
        }
    }

    /// <summary>What ssh wrote in the current part: the login's words, or those since the session was up.</summary>
    public string StderrOfThisPart
    {
        get
        {
            lock (_login) return _current.Text;
        }
    }

    /// <summary>The last line ssh wrote that says something (a message, not an empty line).</summary>
    public string? LastStderrLine
    {
        get
        {
            lock (_login) return _lastLine;
        }
    }

    private string? _lastLine;

    /// <summary>
    /// The session is up: what ssh writes from now on is no longer the login's. Lines ssh has
    /// already written but the reader has not taken yet still count as the login's, so the
    /// pipe is given a moment (at most 100 ms) to be emptied first.
    /// </summary>
    public void MarkLoggedIn()
    {
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 100 && (Volatile.Read(ref _stderrBusy) != 0 || StderrPending())) Thread.Sleep(1);
        lock (_login)
        {
            _afterLogin ??= new StderrPart();
            _current = _afterLogin;
        }
    }

    private unsafe bool StderrPending()
    {
        if (_stderrFd < 0) return false;
        var poll = new PollFd { Fd = _stderrFd, Events = PollIn };
        return Poll(&poll, 1, 0) > 0 && (poll.Revents & PollIn) != 0;
    }

    private const short PollIn = 1;

    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "poll")]
    private static unsafe partial int Poll(PollFd* fds, nuint count, int timeout);

    /// <summary>One part of ssh's stderr: its head up to <see cref="KeptStderrChars"/>, whole lines, and how much was cut.</summary>
    private sealed class StderrPart
    {
        private readonly StringBuilder _kept = new();
        private long _cut;

        public void Add(string line)
        {
            if (_cut == 0 && _kept.Length + line.Length <= KeptStderrChars) _kept.Append(line);
            else _cut += line.Length;
        }

        public string Text => _cut == 0 ? _kept.ToString()
            : _kept + $"cpanbridge: ssh's stderr was cut here ({KeptStderrChars / 1024} KiB kept, {_cut} more characters not)\r\n";
    }

    /// <summary>ssh's exit status once it has exited (128+signal when killed), waiting up to <paramref name="wait"/>.</summary>
    public async Task<int?> ExitStatusAsync(TimeSpan wait)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(wait);
            await _stderrReader.WaitAsync(TimeSpan.FromSeconds(1));
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            return _process.HasExited ? _process.ExitCode : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        catch (Win32Exception)
        {
        }
    }

    private async Task KeepStderrAsync(StreamReader stderr, Log log)
    {
        var buffer = new char[4096];
        var line = new StringBuilder();
        void Keep()
        {
            var text = line.ToString();
            line.Clear();
            var says = text.Trim();
            lock (_login)
            {
                _current.Add(text);
                if (says.Length > 0) _lastLine = says;
            }
            if (says.Length > 0) log.Info($"sftp: {Label}: ssh: {text.TrimEnd()}");
        }
        try
        {
            int count;
            while ((count = await stderr.ReadAsync(buffer)) > 0)
            {
                Volatile.Write(ref _stderrBusy, 1);
                foreach (var c in buffer.AsSpan(0, count))
                {
                    line.Append(c);
                    if (c == '\n') Keep();
                }
                Volatile.Write(ref _stderrBusy, 0);
            }
            if (line.Length > 0) Keep();
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            Volatile.Write(ref _stderrBusy, 0);
        }
    }

    /// <summary>
    /// Closes ssh's stdin (it then ends the session and exits), gives it 2 s, then kills it —
    /// the handle's dispose, which must not hang on a server that stopped answering.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            Input.Dispose();
        }
        catch (IOException)
        {
        }
        try
        {
            if (!_process.WaitForExit(2000)) Kill();
            _process.WaitForExit(1000);
            // What ssh says as it exits (with -v: "Transferred: ...", "Exit status 0") is close's to report.
            _stderrReader.Wait(TimeSpan.FromSeconds(1));
        }
        catch (InvalidOperationException)
        {
        }
        _askpass.Dispose();
        _process.Dispose();
    }
}

/// <summary>
/// The askpass helper of one session: a private 0700 directory with a /bin/sh script and, when
/// there is a password, a 0600 file holding it. The script prints the password once, for a
/// password or passphrase prompt, and deletes it; it answers "no" to the unknown-host-key
/// question; any other prompt gets nothing (ssh then treats it as an empty answer).
/// </summary>
internal sealed class Askpass : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const string Script = """
        #!/bin/sh
        # cpanbridge sftp: answers ssh's prompts for one session without a terminal.
        case "$1" in
          *'continue connecting'*) echo no; exit 0 ;;
          *[Pp]assword*|*[Pp]assphrase*)
            f="${0%/*}/password"
            if [ -f "$f" ]; then cat "$f"; rm -f "$f"; exit 0; fi ;;
        esac
        exit 1

        """;

    private readonly string _directory;
    private int _disposed;

    private Askpass(string directory)
    {
        _directory = directory;
    }

    public string Helper => Path.Combine(_directory, "askpass");

    public static Askpass Create(string parent, string? password)
    {
        var directory = Path.Combine(parent, "askpass-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        Directory.CreateDirectory(directory, Private);
        // CreateDirectory leaves an existing directory as it is; ours must be new and private.
        File.SetUnixFileMode(directory, Private);
        var askpass = new Askpass(directory);
        try
        {
            if (password is not null)
                WriteNew(Path.Combine(directory, "password"), password, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            WriteNew(askpass.Helper, Script.Replace("\r\n", "\n"), Private);
            return askpass;
        }
        catch
        {
            askpass.Dispose();
            throw;
        }
    }

    private static void WriteNew(string path, string text, UnixFileMode mode)
    {
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = mode,
        });
        var bytes = new UTF8Encoding(false).GetBytes(text);
        file.Write(bytes);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
