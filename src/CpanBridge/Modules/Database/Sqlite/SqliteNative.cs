using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CpanBridge.Modules.Database.Sqlite;

/// <summary>
/// Direct calls into the bundled SQLite for the per-cell loop that reads rows. SQLitePCLRaw's API
/// takes SafeHandles, and their reference counting costs more than these calls themselves when a
/// result of 100k rows makes over a million of them; the statement's pointer stays valid while
/// the caller holds a reference to the handle (DangerousAddRef).
/// </summary>
internal static partial class SqliteNative
{
    // The library SQLitePCLRaw's bundle ships and loads (libe_sqlite3.so, from deps.json or beside
    // the single-file executable).
    private const string Library = "e_sqlite3";

    // The column accessors only look at the current row: short, never blocking, never calling
    // back into .NET, which is what SuppressGCTransition requires.
    [LibraryImport(Library), SuppressGCTransition]
    internal static partial int sqlite3_column_type(nint statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial long sqlite3_column_int64(nint statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial double sqlite3_column_double(nint statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial nint sqlite3_column_blob(nint statement, int column);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial int sqlite3_column_bytes(nint statement, int column);

    // Stepping may wait on locks and disk: a normal transition, so the GC is never held up.
    [LibraryImport(Library)]
    internal static partial int sqlite3_step(nint statement);

    /// <summary>The bytes of the current row's column (text as stored, or blob); empty for a zero-length value.</summary>
    internal static unsafe ReadOnlySpan<byte> Bytes(nint statement, int column)
    {
        // sqlite3_column_blob before sqlite3_column_bytes, as SQLite's documentation asks.
        var data = sqlite3_column_blob(statement, column);
        var length = sqlite3_column_bytes(statement, column);
        return data == 0 || length == 0 ? [] : new ReadOnlySpan<byte>((void*)data, length);
    }
}
