using Microsoft.Data.Sqlite;

namespace SerSweep.Storage;

/// <summary>
/// Parameterised SQL on the writer's own connection, for the writes every trial makes (its row, its attempts, its
/// epochs, its result). Each statement is prepared once and reused for the writer's lifetime and nothing is change
/// tracked: through EF Core these writes were most of a trial's orchestration CPU. Used only by the writer's loop.
/// </summary>
internal sealed class WriterSql(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = [];

    /// <summary>The transaction of the batch being applied; every command runs in it.</summary>
    public SqliteTransaction? Transaction { get; set; }

    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Prepare(sql, parameters).ExecuteNonQuery();

    /// <summary>The first column of the first row, or null when there is no row.</summary>
    public object? Scalar(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Prepare(sql, parameters).ExecuteScalar() is var value and not DBNull ? value : null;

    public SqliteDataReader Read(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Prepare(sql, parameters).ExecuteReader();

    private SqliteCommand Prepare(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }
        command.Transaction = Transaction;
        command.Parameters.Clear();
        // Enums are stored by name, as the EF model stores them (HasConversion<string>()).
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value is Enum e ? e.ToString() : value ?? DBNull.Value);
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
    }
}
