namespace WPAI.Grains.Storage;

/// <summary>
/// A grain state that copies itself for a store that keeps copies (the in-memory storage), cheaper than Orleans'
/// generated copier where the state is mostly collections of <c>[Immutable]</c> records: those are shared, only the
/// containers are new. The copy must hold every persisted member (a test compares it with Orleans' copy).
/// </summary>
public interface IStateCopy<out T>
{
    T CopyForStorage();
}
