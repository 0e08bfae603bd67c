using System.CommandLine;
using CpanBridge.Cli;

namespace CpanBridge;

public static class Program
{
    public static int Main(string[] args)
    {
        var socket = new Option<string?>("--socket") { Description = "Socket path (default: CPAN_BRIDGE_SOCKET, else the per-user path)", Recursive = true };
        var root = new RootCommand("CPAN Bridge: runs the work of CPAN modules for Perl scripts, in one persistent daemon.");
        root.Options.Add(socket);

        var detach = new Option<bool>("--detach") { Description = "Start in the background and return once it accepts connections" };
        var idleExit = new Option<int?>("--idle-exit") { Description = "Exit after this many seconds without connections (0: never)" };
        var log = new Option<string?>("--log") { Description = "Log file, or - for stderr (default: CPAN_BRIDGE_LOG, else beside the socket)" };
        var detachedChild = new Option<bool>("--detached-child") { Hidden = true };
        var daemon = new Command("daemon", "Run the daemon (in the foreground unless --detach)") { detach, idleExit, log, detachedChild };
        daemon.SetAction(r => Commands.Daemon(r.GetValue(socket), r.GetValue(log), r.GetValue(idleExit), r.GetValue(detach), r.GetValue(detachedChild)));

        var startIdle = new Option<int?>("--idle-exit") { Description = "Exit after this many seconds without connections (default 0: never)" };
        var start = new Command("start", "Start a daemon in the background (no-op if one is running)") { startIdle };
        start.SetAction(r => Commands.Start(r.GetValue(socket), r.GetValue(startIdle)));

        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the daemon to exit", DefaultValueFactory = _ => 10 };
        var stop = new Command("stop", "Stop the daemon gracefully (SIGTERM: in-flight requests finish)") { timeout };
        stop.SetAction(r => Commands.Stop(r.GetValue(socket), r.GetValue(timeout)));

        var json = new Option<bool>("--json") { Description = "Print the raw JSON instead of the table" };
        var status = new Command("status", "Show whether the daemon runs, its health, load, connections and handles") { json };
        status.SetAction(r => Commands.Status(r.GetValue(socket), r.GetValue(json)));

        var ping = new Command("ping", "Check that the daemon answers, and how fast");
        ping.SetAction(r => Commands.Ping(r.GetValue(socket)));

        var metrics = new Command("metrics", "Print metrics in Prometheus text format");
        metrics.SetAction(r => Commands.Metrics(r.GetValue(socket)));

        var module = new Argument<string>("MODULE");
        var function = new Argument<string>("FUNCTION");
        var parameters = new Argument<string?>("PARAMS") { Description = "Parameters as a JSON object, or - to read them from stdin", Arity = ArgumentArity.ZeroOrOne };
        var call = new Command("call", "Process mode: run one stateless function in this process, print the response frame") { module, function, parameters };
        call.SetAction(r => Commands.Call(r.GetValue(module)!, r.GetValue(function)!, r.GetValue(parameters)));

        var serveStdio = new Command("serve-stdio", "Private mode: serve one client on stdin/stdout until it closes stdin");
        serveStdio.SetAction(_ => Commands.ServeStdio());

        var manifest = new Command("manifest", "Print every registered function (the content of protocol-manifest.txt)");
        manifest.SetAction(_ => Commands.Manifest());

        foreach (var command in new[] { daemon, start, stop, status, ping, metrics, call, serveStdio, manifest })
            root.Subcommands.Add(command);
        return root.Parse(args).Invoke();
    }
}
