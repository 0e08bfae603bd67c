package Net::SFTP::Foreign::Attributes;

# Drop-in for Net::SFTP::Foreign::Attributes (1.93): the attributes of a remote file as $sftp->stat,
# lstat and ls return them, and as setstat/mkdir take them. The object is the same hash native
# builds (flags plus the members present), so scripts that peek inside or dump it see the same.

use strict;
use warnings;
use Carp qw(croak);

our $VERSION = '1.68_05';

my %FLAG = (size => 0x01, ugid => 0x02, perm => 0x04, amtime => 0x08, extended => 0x80000000);

sub new { return bless { flags => 0 }, shift }

# From Perl's stat list: (dev, ino, mode, nlink, uid, gid, rdev, size, atime, mtime, ...).
sub new_from_stat {
    my $class = shift;
    return undef unless @_;
    my $self = $class->new;
    $self->set_perm($_[2]);
    $self->set_ugid($_[4], $_[5]);
    $self->set_size($_[7]);
    $self->set_amtime($_[8], $_[9]);
    return $self;
}

# From the daemon's attrs object ({size, uid, gid, perm, atime, mtime, extended}).
sub _from_wire {
    my ($class, $w) = @_;
    my $self = $class->new;
    return $self unless ref $w eq 'HASH';
    $self->set_size($w->{size}) if defined $w->{size};
    $self->set_ugid($w->{uid}, $w->{gid}) if defined $w->{uid} && defined $w->{gid};
    $self->set_perm($w->{perm}) if defined $w->{perm};
    $self->set_amtime($w->{atime}, $w->{mtime}) if defined $w->{atime} && defined $w->{mtime};
    if (ref $w->{extended} eq 'HASH' && %{ $w->{extended} }) {
        $self->set_extended(map { ($_ => $w->{extended}{$_}) } sort keys %{ $w->{extended} });
    }
    return $self;
}

# The members present, as the daemon takes them.
sub _to_wire {
    my ($self) = @_;
    my %w;
    my $f = $self->{flags} || 0;
    $w{size} = 0 + $self->{size} if $f & $FLAG{size};
    @w{qw(uid gid)} = (0 + $self->{uid}, 0 + $self->{gid}) if $f & $FLAG{ugid};
    $w{perm} = 0 + $self->{perm} if $f & $FLAG{perm};
    @w{qw(atime mtime)} = (0 + $self->{atime}, 0 + $self->{mtime}) if $f & $FLAG{amtime};
    if ($f & $FLAG{extended}) {
        my @pairs = @{ $self->{extended} || [] };
        $w{extended} = { @pairs };
    }
    return \%w;
}

sub flags { return $_[0]{flags} }
sub size  { return $_[0]{size} }
sub uid   { return $_[0]{uid} }
sub gid   { return $_[0]{gid} }
sub perm  { return $_[0]{perm} }
sub atime { return $_[0]{atime} }
sub mtime { return $_[0]{mtime} }
sub extended { return @{ $_[0]{extended} || [] } }

sub _set_one {
    my ($self, $name, $value) = @_;
    if (defined $value) {
        $self->{flags} |= $FLAG{$name};
        $self->{$name} = $value;
    } else {
        $self->{flags} &= ~$FLAG{$name};
        delete $self->{$name};
    }
    return;
}

sub set_size { $_[0]->_set_one(size => $_[1]) }
sub set_perm { $_[0]->_set_one(perm => $_[1]) }

sub _set_pair {
    my ($self, $flag, $k1, $k2, $v1, $v2, $what) = @_;
    if (defined $v1 && defined $v2) {
        $self->{flags} |= $FLAG{$flag};
        @$self{ $k1, $k2 } = ($v1, $v2);
    } elsif (!defined $v1 && !defined $v2) {
        $self->{flags} &= ~$FLAG{$flag};
        delete @$self{ $k1, $k2 };
    } else {
        croak "wrong arguments for $what";
    }
    return;
}

sub set_ugid   { my $s = shift; $s->_set_pair(ugid => qw(uid gid), @_[0, 1], 'set_ugid') }
sub set_amtime { my $s = shift; $s->_set_pair(amtime => qw(atime mtime), @_[0, 1], 'set_amtime') }

sub set_extended {
    my $self = shift;
    croak "odd number of arguments passed to set_extended" if @_ % 2;
    if (@_) {
        $self->{flags} |= $FLAG{extended};
        $self->{extended} = [@_];
    } else {
        $self->{flags} &= ~$FLAG{extended};
        delete $self->{extended};
    }
    return;
}

sub append_extended {
    my $self = shift;
    croak "odd number of arguments passed to append_extended" if @_ % 2;
    $self->set_extended($self->extended, @_) if @_;
    return;
}

sub clone {
    my ($self) = @_;
    my %copy = %$self;
    $copy{extended} = [ @{ $self->{extended} } ] if $self->{extended};
    return bless \%copy, ref $self;
}

# What native prints for an attributes object in string context is its hash address; an
# ls -l style line is more useful and is what `"$a"` never promised, so nothing is overloaded.

1;

__END__

=head1 NAME

Net::SFTP::Foreign::Attributes - CPAN Bridge drop-in: remote file attributes

=head1 SYNOPSIS

    my $a = $sftp->stat($file) or die $sftp->error;
    printf "%s: %d bytes, mode %o, modified %s\n", $file, $a->size, $a->perm & 07777, scalar localtime $a->mtime;

=head1 SUPPORTED

C<new>, C<new_from_stat>, C<clone>, the accessors C<flags size uid gid perm atime mtime extended>
and C<set_size set_ugid set_perm set_amtime set_extended append_extended>, as in
Net::SFTP::Foreign 1.93. C<perm> is the whole C<st_mode>, file type bits included.

=head1 NOT SUPPORTED

C<new_from_buffer>, C<skip_from_buffer> and C<as_buffer> (they read and write SFTP packets,
which the daemon does).

=head1 SEE ALSO

L<Net::SFTP::Foreign::Attributes> (the CPAN module), F<docs/sftp.md>.

=cut
