"""SI-KOTAN: Kabupaten/Kota Tanggap Ancaman Narkoba information system."""

__version__ = "0.1.0"
