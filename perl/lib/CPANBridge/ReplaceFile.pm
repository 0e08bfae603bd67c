package CPANBridge::ReplaceFile;
# Replacing a file the way drop-ins that write files in the script do it (XML::Simple's
# OutputFile, XML::DOM's printToFile): the whole text goes to a new file beside the target, which
# is renamed over the target only once complete, so nobody ever finds half a file or an emptied
# one. Core Perl only. Callers keep their own error texts: both functions report through $!.
use strict;
use warnings;
use Cwd ();
use Fcntl ();
use File::Basename ();

# A new, empty file beside $target (O_EXCL, so an existing name is never reused or followed),
# with the permissions a new file gets there under the caller's umask. A symlink is resolved
# first, so the link's target is replaced and the link stays. Returns ($temp, $real_target), or
# an empty list when the directory takes no new file (the caller then writes in place, as the
# native module would). $! is left as it was found.
sub temp_beside {
    my ($target) = @_;
    my $errno = $!;
    my $real = -l $target ? (Cwd::realpath($target) // $target) : $target;
    my $dir = File::Basename::dirname($real);
    my $base = File::Basename::basename($real);
    for (1 .. 20) {
        my $temp = sprintf('%s/.%s.%d.%d.tmp', $dir, $base, $$, int(rand(1_000_000)));
        if (sysopen(my $fh, $temp, Fcntl::O_WRONLY() | Fcntl::O_CREAT() | Fcntl::O_EXCL(), 0666)) {
            close $fh;
            $! = $errno;
            return ($temp, $real);
        }
        last unless $!{EEXIST};
    }
    $! = $errno;
    return;
}

# Puts the finished $temp in place of $real_target, keeping the target's permission bits when it
# exists. False with $! set (and $temp removed) when the rename fails.
sub install {
    my ($temp, $real_target) = @_;
    my @st = stat $real_target;
    chmod($st[2] & 07777, $temp) if @st;
    return 1 if rename $temp, $real_target;
    discard($temp);
    return 0;
}

# Removes an unfinished $temp, leaving $! as it was.
sub discard {
    my ($temp) = @_;
    my $errno = $!;
    unlink $temp;
    $! = $errno;
    return;
}

1;
