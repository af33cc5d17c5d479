# A generic MT7621 board with 16 MiB SPI NOR (4 KiB erase sectors, FreeBSD 12 mx25l),
# 256 MiB RAM and a fixed kernel/rootfs boundary. Format: docs/simulator.md.
model=Generic MT7621 16M board
hostname=gw16m
os.release=12.4-RELEASE
os.reldate=1204000
os.version=FreeBSD 12.4-RELEASE r372781 GW16M
hw.model=MediaTek MT7621 ver:1 eco:3
hw.machine=mips
hw.machine_arch=mipsel
# where U-Boot sees the SPI flash in the CPU's address space (MT7621: 0x1c000000 through KSEG1)
boot.flash_base=0xbc000000
# where U-Boot loads and starts the kernel: a FreeBSD kernel for the MT7621 is linked low, at 0x80001000
boot.kernel_load=0x80001000
boot.kernel_entry=0x80001100
mem.physmem=268435456
mem.usermem=234881024
mem.pagesize=4096
mem.free_pages=49152

flash.device=flash/spi0
flash.size=0x1000000
flash.erase_block=0x1000
flash.sector_size=512
flash.write_bps=0
flash.read_bps=0

partition.0=u-boot 0x000000 0x030000 ro
partition.1=u-boot-env 0x030000 0x040000 ro
partition.2=factory 0x040000 0x050000 ro
partition.3=kernel 0x050000 0x250000 rw
partition.4=rootfs 0x250000 0xff0000 rw
partition.5=cfg 0xff0000 0x1000000 rw
layout=kernel rootfs
root.mountfrom=ufs:map/rootfs.uncompress
root.uncompressed_size=33554432

tmpfs=yes
watchdogd=no
leds=power wlan lan
md.preallocated=
tools.absent=

ssh.user=admin
ssh.password=fleetflash
reboot.delay=PT30S
# rc.shutdown after reboot -r: at most this long before init ends the SSH sessions (sooner once they have ended)
shutdown.grace=PT1.5S

firmware.version=12.4-gw16m-1
image.size=10485760
